import { eventually, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden, type AgentResponse } from './support/agent.js';

/**
 * Issue 13.8: sign-up tells nobody who has an account. A new email and a taken one get the same
 * page (the sign-in form, the email filled in), the same status, no session, and comparable time
 * (a password is hashed either way); the existing account is neither changed nor signed in.
 * Issue 13.10: the portal applies the one email rule (src/platform/email.ts).
 */
describe('sign-up answers the same whether or not the email has an account', () => {
  let app: TestApp;
  let n = 0;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);

  beforeAll(async () => {
    // Behind a trusted proxy, so that each sign-up comes from an address of its own (the per-address limit is not what is tested).
    app = await startTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1' } });
  });
  afterAll(() => app.close());

  async function signUp(email: string, password: string, displayName = 'Someone'): Promise<{ res: AgentResponse; ms: number; agent: Agent }> {
    const from = `198.51.100.${++n}`;
    const agent = new Agent(app.url);
    const csrf = hidden((await agent.get('/portal/signup?return_to=/portal/keys', { 'x-forwarded-for': from })).text, 'csrf');
    const started = performance.now();
    const res = await agent.post(
      '/portal/signup',
      { csrf, email, password, display_name: displayName, return_to: '/portal/keys' },
      { 'x-forwarded-for': from },
    );
    return { res, ms: performance.now() - started, agent };
  }

  /** The page without what differs by design: the email typed and the CSRF token. */
  const shape = (res: AgentResponse, email: string) => res.text.replaceAll(email, 'EMAIL').replace(/value="[A-Za-z0-9_-]{20,}"/g, 'value="CSRF"');

  it('same status, same page, no session either way; the existing account is unchanged and not signed in', async () => {
    const owner = await app.createUser({ email: 'taken@example.com' });
    const [before] = await sql<{ password_hash: string; display_name: string; updated_at: Date }>(
      'SELECT password_hash, display_name, updated_at FROM users WHERE id = $1',
      [owner.id],
    );
    const fresh = await signUp('brand.new@example.com', 'a long enough passphrase');
    const taken = await signUp('Taken@Example.com', 'the attacker passphrase', 'Mallory');
    expect(taken.res.status).toBe(fresh.res.status);
    expect(fresh.res.status).toBe(200);
    expect(shape(taken.res, 'taken@example.com')).toBe(shape(fresh.res, 'brand.new@example.com'));
    for (const r of [fresh.res, taken.res]) {
      expect(r.headers.getSetCookie().some((c) => c.startsWith('gh_session='))).toBe(false);
      expect(hidden(r.text, 'return_to')).toBe('/portal/keys');
    }
    expect(taken.res.text).not.toMatch(/already exists|in use/i);

    const [after] = await sql<{ password_hash: string; display_name: string; updated_at: Date }>(
      'SELECT password_hash, display_name, updated_at FROM users WHERE id = $1',
      [owner.id],
    );
    expect(after).toEqual(before);
    expect(await sql('SELECT 1 FROM sessions WHERE user_id = $1', [owner.id])).toEqual([]);
    // The owner's password still works; the one typed at sign-up does not.
    expect((await new Agent(app.url).signIn(owner.email, owner.password)).status).toBe(303);
    expect((await new Agent(app.url).signIn(owner.email, 'the attacker passphrase')).status).toBe(401);
    // The new account exists and signs in from the page it got.
    const csrf = hidden(fresh.res.text, 'csrf');
    const signedIn = await fresh.agent.post(
      '/portal/signin',
      { csrf, email: 'brand.new@example.com', password: 'a long enough passphrase', return_to: '/portal/keys' },
      { 'x-forwarded-for': `198.51.100.${n - 1}` },
    );
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/portal/keys');
  });

  it('audits the attempt on a taken email as a failed sign-up naming the account by id', async () => {
    const owner = await app.createUser();
    await signUp(owner.email, 'a long enough passphrase');
    await eventually(
      async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'auth.sign_up' AND outcome = 'failure' AND target = $1`, [owner.id])).length === 1,
    );
    const [event] = await sql<{ details: unknown; actor_user_id: string | null }>(
      `SELECT details, actor_user_id FROM audit_events WHERE type = 'auth.sign_up' AND target = $1`,
      [owner.id],
    );
    expect(event).toEqual({ details: { reason: 'email_taken' }, actor_user_id: null });
  });

  it('takes comparable time: a password is hashed for a taken email too', async () => {
    const owner = await app.createUser();
    const times = { fresh: [] as number[], taken: [] as number[] };
    for (let i = 0; i < 3; i++) {
      times.fresh.push((await signUp(`timing${i}-${Date.now()}@example.com`, 'a long enough passphrase')).ms);
      times.taken.push((await signUp(owner.email, 'a long enough passphrase')).ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    // Without the hash a taken email answered in a few ms against tens for a new one; allow for a busy machine.
    expect(median(times.taken)).toBeGreaterThan(median(times.fresh) / 4);
  });

  it('applies the one email rule: plus addressing and IDN accepted, quotes, double @, trailing dot and whitespace refused', async () => {
    for (const email of ['dev+portal@example.com', 'ana@bücher.example']) {
      const { res } = await signUp(email, 'a long enough passphrase');
      expect(res.status).toBe(200);
    }
    expect(await sql('SELECT email FROM users WHERE email IN ($1, $2) ORDER BY email', ['ana@bücher.example', 'dev+portal@example.com'])).toHaveLength(2);
    for (const email of ['"quoted"@example.com', 'two@@example.com', 'dot@example.com.', 'in side@example.com', 'x'.repeat(300) + '@example.com']) {
      const { res } = await signUp(email, 'a long enough passphrase');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Enter a valid email address.');
    }
  });

  it('answers pathological emails on sign-up and sign-in at once, with a 4xx page, never a 5xx', async () => {
    for (const email of [
      'a.'.repeat(100_000) + '@x',
      '@'.repeat(200_000),
      `x@${'a-'.repeat(100_000)}.com`,
      `${'!#'.repeat(50_000)}@example.com`,
      'é\u0301'.repeat(50_000),
    ]) {
      const started = performance.now();
      const up = await signUp(email, 'a long enough passphrase');
      expect(up.res.status).toBe(400);
      const agent = new Agent(app.url);
      const csrf = hidden((await agent.get('/portal/signin', { 'x-forwarded-for': '198.51.100.250' })).text, 'csrf');
      const res = await agent.post('/portal/signin', { csrf, email, password: 'x' }, { 'x-forwarded-for': `198.51.100.${++n}` });
      expect(res.status).toBe(401);
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });
});
