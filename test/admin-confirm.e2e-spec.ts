import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { codeClient, signedIn } from './support/code-flow.js';
import { call, keyOwner } from './support/keys.js';
import { ConsentsService } from '../src/oauth/store/consents.service.js';

/**
 * Issue 17 item 2: every destructive or access-changing action asks first (a GET confirmation page
 * that changes nothing: what, to whom, Cancel and Confirm with CSRF), then answers 303 back with a
 * one-time notice; first-party clients cannot be deleted (disable only, with a warning).
 */
describe('confirmation pages and notices', () => {
  let app: TestApp;
  let admin: { agent: Agent; user: { id: string; email: string } };

  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const userRow = async (id: string) => (await sql<{ status: string; role: string }>(`SELECT status, role FROM users WHERE id = $1`, [id]))[0];
  const clientRow = async (clientId: string) =>
    (
      await sql<{ status: string; directory_access: boolean; resource_server: boolean }>(
        `SELECT status, directory_access, resource_server FROM clients WHERE client_id = $1`,
        [clientId],
      )
    )[0];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await signedIn(app, 'admin');
  });
  afterAll(() => app.close());

  /** Opens a confirmation page, checks it, and returns its form's action, fields and Cancel link. */
  async function confirmation(agent: Agent, path: string, says: string[]): Promise<{ action: string; fields: Record<string, string>; cancel: string }> {
    const page = await agent.get(path);
    expect(page.status).toBe(200);
    for (const s of says) expect(page.text).toContain(s);
    const form = /<form method="post" action="([^"]+)" class="confirm-actions">([\s\S]*?)<\/form>/.exec(page.text)!;
    expect(form).toBeTruthy();
    const fields: Record<string, string> = {};
    for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]] = m[2].replace(/&amp;/g, '&');
    expect(fields.csrf).toBeTruthy();
    const cancel = /<a class="button secondary" href="([^"]+)">Cancel<\/a>/.exec(form[2])![1].replace(/&amp;/g, '&');
    return { action: form[1].replace(/&amp;/g, '&'), fields, cancel };
  }

  /** The full round: no CSRF refused, Cancel changes nothing, Confirm acts and the notice shows once. */
  async function roundTrip(agent: Agent, path: string, says: string[], notice: string, changed: () => Promise<boolean>): Promise<void> {
    const c = await confirmation(agent, path, says);
    expect(await changed()).toBe(false); // the page itself changed nothing
    const { csrf, ...rest } = c.fields;
    expect((await agent.post(c.action, rest)).status).toBe(403);
    expect((await agent.post(c.action, { ...rest, csrf: `${csrf}x` })).status).toBe(403);
    expect((await agent.get(c.cancel)).status).toBe(200);
    expect(await changed()).toBe(false);
    const done = await agent.post(c.action, c.fields);
    expect(done.status).toBe(303);
    expect(await changed()).toBe(true);
    const after = await agent.get(done.location!);
    expect(after.text).toContain(notice);
    expect(after.text).toContain('role="status"');
    expect((await agent.get(c.cancel)).text).not.toContain('role="status"'); // once: the list itself has no notice
  }

  it('asks before each user action, refuses a forged form, and tells what was done [users]', async () => {
    const u = await app.createUser({ email: 'confirm.target@example.com' });
    const at = (action: string) => `/portal/admin/users/${u.id}/confirm?action=${action}&back=q%3Dconfirm.target`;
    await roundTrip(
      admin.agent,
      at('disable'),
      ['confirm.target@example.com', 'can no longer sign in'],
      'The user was disabled',
      async () => (await userRow(u.id)).status === 'disabled',
    );
    await roundTrip(admin.agent, at('enable'), ['Enable'], 'The user was enabled again', async () => (await userRow(u.id)).status === 'active');
    await roundTrip(admin.agent, at('make_admin'), ['admin console'], 'The user is now an admin', async () => (await userRow(u.id)).role === 'admin');
    await roundTrip(
      admin.agent,
      at('make_developer'),
      ['lose the admin console'],
      'The user is now a developer',
      async () => (await userRow(u.id)).role === 'developer',
    );
    const list = await admin.agent.get('/portal/admin/users?q=confirm.target');
    expect(list.text).toContain(`href="/portal/admin/users/${u.id}/confirm?action=disable&amp;back=q%3Dconfirm.target"`);
    // The list came back filtered as it was.
    const c = await confirmation(admin.agent, at('unlock'), ['Unlock sign-in']);
    expect(c.cancel).toBe('/portal/admin/users?q=confirm.target');
    const res = await admin.agent.post(c.action, c.fields);
    expect(res.location).toBe('/portal/admin/users?q=confirm.target&done=user-unlocked');
  });

  it("asks before the user detail page's Unlock sign-in and Sign out everywhere, and comes back to the detail page [users]", async () => {
    const target = await signedIn(app);
    const base = `/portal/admin/users/${target.user.id}`;
    const detail = await admin.agent.get(base);
    expect(detail.text).toContain(`href="${base}/confirm?action=sign_out_everywhere&amp;back=detail"`);
    expect(detail.text).toContain(`href="${base}/confirm?action=unlock&amp;back=detail"`);
    const unlock = await confirmation(admin.agent, `${base}/confirm?action=unlock&back=detail`, ['Unlock sign-in', target.user.email]);
    expect(unlock).toMatchObject({ action: `${base}/unlock`, cancel: base });
    expect((await admin.agent.post(unlock.action, unlock.fields)).location).toBe(`${base}?notice=unlocked`);
    await roundTrip(
      admin.agent,
      `${base}/confirm?action=sign_out_everywhere&back=detail`,
      ['Sign out everywhere', 'Every session of theirs ends'],
      'Every session of this user is signed out',
      async () => (await target.agent.get('/portal')).status === 303,
    );
    // Only from the detail page: the list's form has no such action.
    expect((await admin.agent.get(`${base}/confirm?action=sign_out_everywhere`)).status).toBe(400);
  });

  it('answers hostile confirmation links with a 400 or 404 page, never a 5xx, and never for oneself', async () => {
    const u = await app.createUser();
    for (const path of [
      `/portal/admin/users/${u.id}/confirm`,
      `/portal/admin/users/${u.id}/confirm?action=__proto__`,
      `/portal/admin/users/${u.id}/confirm?action=disable&action=enable`,
      `/portal/admin/users/${u.id}/confirm?action=disable&back=${'x'.repeat(2000)}`,
      `/portal/admin/clients/gth_x/confirm?action=explode`,
      `/portal/admin/clients/gth_x/confirm?action=delete&action=delete`,
    ]) {
      expect((await admin.agent.get(path)).status).toBe(400);
    }
    expect((await admin.agent.get('/portal/admin/users/not-a-uuid/confirm?action=disable')).status).toBe(404);
    expect((await admin.agent.get('/portal/admin/users/00000000-0000-0000-0000-000000000000/confirm?action=disable')).status).toBe(404);
    expect([400, 404]).toContain((await admin.agent.get(`/portal/admin/clients/${'x'.repeat(300)}/confirm?action=disable`)).status);
    expect((await admin.agent.get('/portal/admin/keys/not-a-uuid/revoke')).status).toBe(404);
    const self = await admin.agent.get(`/portal/admin/users/${admin.user.id}/confirm?action=disable`);
    expect(self.status).toBe(400);
    expect(self.text).toContain('Not on your own account');
    // A developer gets the 403 page; signed out, sign-in first.
    const dev = await signedIn(app);
    expect((await dev.agent.get(`/portal/admin/users/${u.id}/confirm?action=make_admin`)).status).toBe(403);
    expect((await new Agent(app.url).get(`/portal/admin/users/${u.id}/confirm?action=make_admin`)).status).toBe(303);
    // The notice is a fixed text chosen by a flag: any other value shows nothing of the URL.
    const junk = await admin.agent.get('/portal/admin/users?done=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(junk.status).toBe(200);
    expect(junk.text).not.toContain('alert(1)');
    expect(junk.text).not.toContain('role="status"');
    expect((await admin.agent.get('/portal/admin/users?done=constructor')).text).not.toContain('role="status"');
  });

  it('asks before each client action: disable, enable, directory, resource server, delete [clients]', async () => {
    const c = await app.createClient({ name: 'Confirmed <app>' });
    const at = (action: string) => `/portal/admin/clients/${encodeURIComponent(c.clientId)}/confirm?action=${action}`;
    const says = ['Confirmed &lt;app&gt;', c.clientId];
    await roundTrip(
      admin.agent,
      at('disable'),
      [...says, 'refused at once'],
      'The application was disabled',
      async () => (await clientRow(c.clientId)).status === 'disabled',
    );
    await roundTrip(admin.agent, at('enable'), says, 'The application was enabled again', async () => (await clientRow(c.clientId)).status === 'active');
    await roundTrip(admin.agent, at('allow_directory'), says, 'whole user directory', async () => (await clientRow(c.clientId)).directory_access);
    await roundTrip(admin.agent, at('owner_only'), says, "only its owner's record", async () => !(await clientRow(c.clientId)).directory_access);
    await roundTrip(admin.agent, at('make_resource_server'), says, 'is now a resource server', async () => (await clientRow(c.clientId)).resource_server);
    await roundTrip(admin.agent, at('own_tokens'), says, 'only its own tokens', async () => !(await clientRow(c.clientId)).resource_server);
    await roundTrip(
      admin.agent,
      at('delete'),
      [...says, 'removed for good'],
      'The application was deleted',
      async () => (await clientRow(c.clientId)) === undefined,
    );
    expect((await admin.agent.get(at('disable'))).status).toBe(404);
  });

  it('never deletes a first-party client from the console or the admin API: disable only, with a warning', async () => {
    const fp = await codeClient(app, { name: 'Own console', firstParty: true });
    const list = await admin.agent.get('/portal/admin/clients');
    const row = list.text.slice(list.text.indexOf('Own console'), list.text.indexOf('</tr>', list.text.indexOf('Own console')));
    expect(row).toContain('first-party: disable only');
    expect(row).not.toContain('action=delete');
    expect(list.text).toContain('gatehouse-swagger-ui');
    const refused = await admin.agent.get(`/portal/admin/clients/${fp.clientId}/confirm?action=delete`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('cannot be deleted');
    const csrf = hidden(list.text, 'csrf');
    for (const id of [fp.clientId, 'gatehouse-swagger-ui']) {
      const post = await admin.agent.post(`/portal/admin/clients/${id}/delete`, { csrf });
      expect(post.status).toBe(409);
      expect(post.text).toContain('first-party client cannot be deleted');
      expect(await clientRow(id)).toBeDefined();
    }
    const token = await app.tokenActingFor(admin.user.id, ['admin']);
    const api = await call(app, 'DELETE', `/v1/admin/clients/${fp.clientId}`, { token });
    expect(api.status).toBe(409);
    expect(await clientRow(fp.clientId)).toBeDefined();
    await roundTrip(
      admin.agent,
      `/portal/admin/clients/${fp.clientId}/confirm?action=disable`,
      ['first-party client', 'cannot be deleted from the console'],
      'The application was disabled',
      async () => (await clientRow(fp.clientId)).status === 'disabled',
    );
  });

  it('asks before revoking any API key [keys]', async () => {
    const owner = await keyOwner(app);
    const key = await owner.createKey({ name: 'confirm me' });
    const list = await admin.agent.get('/portal/admin/keys');
    expect(list.text).toContain(`href="/portal/admin/keys/${key.id}/revoke"`);
    await roundTrip(
      admin.agent,
      `/portal/admin/keys/${key.id}/revoke`,
      ['confirm me', owner.user.email, `${String(key.start)}…`],
      'The API key was revoked',
      async () => (await call(app, 'GET', '/v1/data', { key: key.key })).status === 401,
    );
    expect((await admin.agent.get(`/portal/admin/keys/${key.id}/revoke`)).status).toBe(409);
  });

  it("asks before Withdraw in Connected apps; another user's app is a 404 page [connected apps]", async () => {
    const dev = await signedIn(app);
    const other = await signedIn(app);
    const c = await codeClient(app, { name: 'Photo printer', scopes: ['profile'] });
    await app.get(ConsentsService).remember(dev.user.id, c.id, ['profile']);
    const list = await dev.agent.get('/portal/connected-apps');
    expect(list.text).toContain(`href="/portal/connected-apps/${c.clientId}/revoke"`);
    const consents = async () => (await sql(`SELECT 1 FROM consents WHERE user_id = $1`, [dev.user.id])).length;
    await roundTrip(
      dev.agent,
      `/portal/connected-apps/${c.clientId}/revoke`,
      ['Photo printer', 'Stops its access'],
      'Consent withdrawn',
      async () => (await consents()) === 0,
    );
    expect((await other.agent.get(`/portal/connected-apps/${c.clientId}/revoke`)).status).toBe(404);
    expect([400, 404]).toContain((await dev.agent.get(`/portal/connected-apps/${'x'.repeat(500)}/revoke`)).status);
  });
});
