import { startTestApp, type TestApp } from './support/app.js';
import type { Agent } from './support/agent.js';
import { signedIn } from './support/code-flow.js';

/** Issue 17 item 7: the audit log's readable details, links, CSV export of the filter, real UTC filters, paging. */
describe('admin audit log', () => {
  let app: TestApp;
  let admin: { agent: Agent; user: { id: string; email: string } };
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const insert = (e: { type?: string; actor?: string | null; client?: string | null; target?: string | null; details?: object; at?: string }) =>
    sql(
      `INSERT INTO audit_events (type, outcome, actor_user_id, actor_client_id, target, ip, details, created_at) VALUES ($1, 'success', $2, $3, $4, '10.1.2.3', $5, $6)`,
      [e.type ?? 'client.updated', e.actor ?? null, e.client ?? null, e.target ?? null, JSON.stringify(e.details ?? {}), e.at ?? new Date().toISOString()],
    );
  const rows = (text: string) => (text.match(/<tr class="outcome-/g) ?? []).length;
  const targets = (text: string) => [...text.matchAll(/<td[^>]*>(page-\d+)<\/td>/g)].map((m) => m[1]);
  const link = (text: string, rel: string) => {
    const m = new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(text);
    return m ? m[1].replace(/&amp;/g, '&') : undefined;
  };

  beforeAll(async () => {
    app = await startTestApp();
    admin = await signedIn(app, 'admin');
  });
  afterAll(() => app.close());

  it('shows details as key/value in snake_case (old camelCase rows too), with links to the users and clients named', async () => {
    const u = await app.createUser({ email: 'named.user@example.com' });
    const c = await app.createClient({ name: 'Named client' });
    await insert({
      actor: u.id,
      client: c.clientId,
      target: c.clientId,
      details: { graceSeconds: 60, redirectUris: ['https://a.example/cb', 'https://b.example/cb'], byAdmin: true, owner_id: u.id },
    });
    const res = await admin.agent.get(`/portal/admin/audit?actor=${u.id}`);
    expect(res.status).toBe(200);
    const page = { text: res.text.replace(/>\s+</g, '><') };
    expect(page.text).toContain('<dt>grace_period_seconds</dt><dd>60</dd>');
    expect(page.text).toContain('<dt>redirect_uris</dt><dd>https://a.example/cb, https://b.example/cb</dd>');
    expect(page.text).toContain('<dt>by_admin</dt><dd>true</dd>');
    expect(page.text).not.toMatch(/graceSeconds|redirectUris|byAdmin/);
    expect(page.text).not.toContain('{&quot;');
    const userHref = `/portal/admin/users?q=named.user%40example.com`;
    expect(page.text).toContain(`<a href="${userHref}">named.user@example.com</a>`);
    expect(page.text).toContain(`<dt>owner_id</dt><dd><a href="${userHref}">`);
    const clientHref = `/portal/admin/clients?q=${c.clientId}`;
    expect(page.text).toContain(`<a href="${clientHref}"><code>${c.clientId}</code></a>`);
    // The links lead somewhere that shows them.
    expect((await admin.agent.get(userHref)).text).toContain('named.user@example.com');
    const clients = await admin.agent.get(clientHref);
    expect(clients.text).toContain('Named client');
    expect(clients.text.match(/<tr>/g)?.length).toBe(2); // the header and the one client
    // New events are recorded in snake_case: a secret rotation through the API.
    const token = await app.tokenActingFor(u.id, ['clients:manage', 'data:read']);
    const created = await fetch(`${app.url}/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', redirect_uris: [] }),
    });
    const id = String(((await created.json()) as { client_id: string }).client_id);
    const [row] = await sql<{ details: Record<string, unknown> }>(`SELECT details FROM audit_events WHERE type = 'client.created' AND target = $1`, [id]);
    for (const key of Object.keys(row.details)) expect(key).toMatch(/^[a-z0-9_]+$/);
  });

  it('exports exactly the filtered events as CSV: quoted, formulas neutralised, secrets masked', async () => {
    const u = await app.createUser();
    const hostile = [
      '=HYPERLINK("http://evil.example","x")',
      '+1+1',
      '-2',
      '@SUM(A1)',
      '\tTAB',
      '\rCR',
      'a "quoted", multi\nline value',
      'gth_live_abcdefghijklmnop',
    ];
    for (const t of hostile) await insert({ type: 'oauth.token_revoked', actor: u.id, target: t });
    await insert({ type: 'client.updated', actor: u.id, target: 'other type' });
    const res = await admin.agent.get(`/portal/admin/audit/export?actor=${u.id}&type=oauth.token_revoked`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="gatehouse-audit-[0-9T-]+Z\.csv"$/);
    const csv = res.text;
    expect(csv.startsWith('"time_utc","type","outcome","actor_user_id","actor_email","actor_client_id","target","target_email","ip","details"\r\n')).toBe(true);
    expect(csv).not.toContain('other type');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    for (const v of ["'+1+1", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR"]) expect(csv).toContain(`"${v}"`);
    expect(csv).toContain('"a ""quoted"", multi\nline value"');
    expect(csv).not.toContain('gth_live_abcdefghijklmnop');
    expect(csv).toContain('[redacted]');
    // One record per event: parse it back (RFC 4180) and count.
    const records = parseCsv(csv);
    expect(records).toHaveLength(1 + hostile.length);
    expect(records.every((r) => r.length === 10)).toBe(true);
    expect(records.slice(1).every((r) => r[1] === 'oauth.token_revoked' && r[3] === u.id)).toBe(true);
    // The page links to the export of the same filter; a bad filter is a 400 page, never a CSV.
    const page = await admin.agent.get(`/portal/admin/audit?actor=${u.id}&type=oauth.token_revoked`);
    expect(page.text).toContain(`href="/portal/admin/audit/export?type=oauth.token_revoked&amp;actor=${u.id}"`);
    expect((await admin.agent.get('/portal/admin/audit/export?since=junk')).status).toBe(400);
    expect((await admin.agent.get('/portal/admin/audit/export?type=a&type=b')).status).toBe(400);
    const dev = await signedIn(app);
    expect((await dev.agent.get('/portal/admin/audit/export')).status).toBe(403);
  });

  it('reads the time filters as UTC: from inclusive, until exclusive; a zone is honoured; junk dates are a 400 page', async () => {
    const u = await app.createUser();
    await insert({ actor: u.id, target: 'page-1', at: '2026-03-01T09:59:59.999Z' });
    await insert({ actor: u.id, target: 'page-2', at: '2026-03-01T10:00:00.000Z' });
    await insert({ actor: u.id, target: 'page-3', at: '2026-03-01T10:30:00.000Z' });
    const get = async (q: string) => targets((await admin.agent.get(`/portal/admin/audit?actor=${u.id}&${q}`)).text);
    expect(await get('since=2026-03-01T10:00')).toEqual(['page-3', 'page-2']);
    expect(await get('until=2026-03-01T10:00')).toEqual(['page-1']);
    expect(await get('since=2026-03-01T10:00&until=2026-03-01T10:30')).toEqual(['page-2']);
    expect(await get(`since=${encodeURIComponent('2026-03-01T12:00+02:00')}`)).toEqual(['page-3', 'page-2']);
    expect(await get('since=2026-03-01T09:59:59.999')).toEqual(['page-3', 'page-2', 'page-1']);
    const csv = parseCsv((await admin.agent.get(`/portal/admin/audit/export?actor=${u.id}&since=2026-03-01T10:00`)).text);
    expect(csv.slice(1).map((r) => r[6])).toEqual(['page-3', 'page-2']);
    const page = await admin.agent.get('/portal/admin/audit');
    expect(page.text).toContain('From (UTC, inclusive)');
    expect(page.text).toContain('Until (UTC, exclusive)');
    for (const q of [
      'since=2026-02-31T00:00',
      'since=yesterday',
      'until=2026-13-01T00:00',
      'since=2026-03-01T10:00&until=2026-03-01T09:00',
      'since=a&since=b',
      `since=${'9'.repeat(300)}`,
    ]) {
      const res = await admin.agent.get(`/portal/admin/audit?${q}`);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/Give a date and time|must come after|Give this field once|At most/);
    }
  });

  it('pages forwards and back with keyset cursors, keeping the filters', async () => {
    const u = await app.createUser();
    for (let i = 0; i < 120; i++) await insert({ actor: u.id, target: `page-${i}`, at: new Date(Date.UTC(2026, 4, 1, 0, 0, i)).toISOString() });
    const first = await admin.agent.get(`/portal/admin/audit?actor=${u.id}`);
    expect(rows(first.text)).toBe(50);
    expect(link(first.text, 'prev')).toBeUndefined();
    const p2 = await admin.agent.get(link(first.text, 'next')!);
    expect(rows(p2.text)).toBe(50);
    expect(link(first.text, 'next')).toContain(`actor=${u.id}`);
    const p3 = await admin.agent.get(link(p2.text, 'next')!);
    expect(rows(p3.text)).toBe(20);
    expect(link(p3.text, 'next')).toBeUndefined();
    expect(targets(p3.text)[19]).toBe('page-0');
    const back2 = await admin.agent.get(link(p3.text, 'prev')!);
    expect(link(p3.text, 'prev')).toContain(`actor=${u.id}`);
    expect(targets(back2.text)).toEqual(targets(p2.text));
    const back1 = await admin.agent.get(link(back2.text, 'prev')!);
    expect(targets(back1.text)).toEqual(targets(first.text));
    expect(link(back1.text, 'prev')).toBeUndefined();
    expect(targets((await admin.agent.get(link(back1.text, 'next')!)).text)).toEqual(targets(p2.text));
    const cursor = new URL(link(first.text, 'next')!, app.url).searchParams.get('cursor')!;
    for (const q of [`before=${cursor}&cursor=${cursor}`, 'before=!!', 'before=eyJub3QiOiJhIGN1cnNvciJ9', 'cursor=eyJub3QiOiJhIGN1cnNvciJ9']) {
      expect((await admin.agent.get(`/portal/admin/audit?${q}`)).status).toBe(400);
    }
  });
});

/** A strict RFC 4180 reader (every field quoted, CRLF between records). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const record: string[] = [];
    for (;;) {
      expect(text[i]).toBe('"');
      let j = i + 1;
      let v = '';
      for (;;) {
        const q = text.indexOf('"', j);
        v += text.slice(j, q);
        if (text[q + 1] === '"') {
          v += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      record.push(v);
      if (text[i] === ',') i++;
      else break;
    }
    expect(text.slice(i, i + 2)).toBe('\r\n');
    i += 2;
    out.push(record);
  }
  return out;
}
