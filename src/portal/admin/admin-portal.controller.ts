import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminUsersService, type UserChanges } from '../../admin/admin-users.service.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { AdminPage } from '../../auth/auth.decorator.js';
import { sessionPrincipal } from '../../sessions/session-auth.js';
import type { ActingUser } from '../../clients/caller.service.js';
import { ClientManagementService } from '../../clients/client-management.service.js';
import { ProblemError } from '../../platform/http/problem.js';
import { SessionsService, type ActiveSession } from '../../sessions/sessions.service.js';
import { UsersService } from '../../users/users.service.js';
import type { SafeHtml } from '../../platform/html/html.js';
import { sessionNav } from '../nav.js';
import { FORM_EXPIRED, sendErrorPage, sendPage, seeOther } from '../../platform/html/page.js';
import { signedIn } from '../portal-pages.service.js';
import { doneFlag, pageLinks, parseUsersQuery, queryString, readQuery, type UsersQuery } from './admin-query.js';
import { clientsPage } from './admin-clients.views.js';
import { USER_ACTIONS, clientDone } from './admin-confirm.views.js';
import { keysPage, usersPage } from './admin.views.js';
import { fields } from '../portal-form.js';

export const PAGE = 50;
const ACTIONS: Record<string, UserChanges> = {
  disable: { status: 'disabled' },
  enable: { status: 'active' },
  make_admin: { role: 'admin' },
  make_developer: { role: 'developer' },
};

interface Gate {
  active: ActiveSession;
  caller: ActingUser;
  csrf: string;
}

/**
 * The admin console in the portal (server-rendered, no script): users, every application, every
 * API key, the audit log. Signed-in admins only (others get a 403 page; signed-out browsers go to
 * sign-in and come back). Every POST carries the session's CSRF token and answers 303; the rules
 * are the admin API's own services (AdminUsersService, ClientManagementService, ApiKeysService).
 * `@AdminPage()` on every route: the guard checks the session and the admin role.
 */
@ApiExcludeController()
@Controller('portal/admin')
export class AdminPortalController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly adminUsers: AdminUsersService,
    private readonly users: UsersService,
    private readonly clients: ClientManagementService,
    private readonly keys: ApiKeysService,
  ) {}

  @Get('users')
  @AdminPage()
  async usersList(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const gate = this.gate(req, reply);
    if (gate) await this.renderUsers(reply, gate, query, 200);
  }

  @Post('users/:id')
  @AdminPage('/portal/admin/users')
  async userChange(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const f = this.posted(req, reply, ['csrf', 'action', 'back'] as const);
    if (!f) return;
    const back = Object.fromEntries(new URLSearchParams((f.values.back ?? '').slice(0, 1000)));
    const action = f.values.action ?? '';
    const changes = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!changes && action !== 'unlock') return this.renderUsers(reply, f.gate, back, 400, 'Choose one of the actions of the list.');
    try {
      if (changes) await this.adminUsers.update(f.gate.caller, id, changes);
      else await this.adminUsers.unlockSignIn(f.gate.caller, id);
    } catch (err) {
      if (err instanceof ProblemError && err.status < 500) return this.renderUsers(reply, f.gate, back, err.status, err.detail);
      throw err;
    }
    const parsed = parseUsersQuery(back);
    const kept = parsed.ok ? { q: parsed.value.q, role: parsed.value.role, status: parsed.value.status } : {};
    seeOther(reply, `/portal/admin/users${queryString({ ...kept, done: USER_ACTIONS[action].done })}`);
  }

  @Get('clients')
  @AdminPage()
  async clientsList(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const gate = this.gate(req, reply);
    if (gate) await this.renderClients(reply, gate, query, 200);
  }

  @Post('clients/:clientId/delete')
  @AdminPage('/portal/admin/clients')
  async clientDelete(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.posted(req, reply, ['csrf'] as const);
    if (!f) return;
    try {
      await this.clients.remove(f.gate.caller, clientId, true);
    } catch (err) {
      if (err instanceof ProblemError && err.status < 500) return this.renderClients(reply, f.gate, {}, err.status, err.detail);
      throw err;
    }
    seeOther(reply, '/portal/admin/clients?done=client-deleted');
  }

  @Post('clients/:clientId/status')
  @AdminPage('/portal/admin/clients')
  async clientStatus(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.posted(req, reply, ['csrf', 'status'] as const);
    if (!f) return;
    const status = f.values.status;
    if (status !== 'active' && status !== 'disabled') return this.renderClients(reply, f.gate, {}, 400, 'The form was incomplete or altered; try again.');
    await this.clientChange(reply, f.gate, clientDone('status', status), () => this.clients.setStatus(f.gate.caller, clientId, status));
  }

  /** Allow a client's own tokens the whole user directory (`access=whole`), or only its owner's record (`owner`). */
  @Post('clients/:clientId/directory')
  @AdminPage('/portal/admin/clients')
  async clientDirectory(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.posted(req, reply, ['csrf', 'access'] as const);
    if (!f) return;
    const access = f.values.access;
    if (access !== 'whole' && access !== 'owner') return this.renderClients(reply, f.gate, {}, 400, 'The form was incomplete or altered; try again.');
    await this.clientChange(reply, f.gate, clientDone('directory', access), () => this.clients.setDirectoryAccess(f.gate.caller, clientId, access === 'whole'));
  }

  /** Mark a confidential client a resource server (`introspect=any`: it may introspect every access token of the API audience), or not (`own`). */
  @Post('clients/:clientId/resource-server')
  @AdminPage('/portal/admin/clients')
  async clientResourceServer(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.posted(req, reply, ['csrf', 'introspect'] as const);
    if (!f) return;
    const introspect = f.values.introspect;
    if (introspect !== 'any' && introspect !== 'own') return this.renderClients(reply, f.gate, {}, 400, 'The form was incomplete or altered; try again.');
    await this.clientChange(reply, f.gate, clientDone('resource-server', introspect), () =>
      this.clients.setResourceServer(f.gate.caller, clientId, introspect === 'any'),
    );
  }

  /** Runs an admin change to a client: back to the list (303), or the list with the error. */
  private async clientChange(reply: FastifyReply, gate: Gate, done: string, change: () => Promise<unknown>): Promise<void> {
    try {
      await change();
    } catch (err) {
      if (err instanceof ProblemError && err.status < 500) return this.renderClients(reply, gate, {}, err.status, err.detail);
      throw err;
    }
    seeOther(reply, `/portal/admin/clients${queryString({ done })}`);
  }

  @Get('keys')
  @AdminPage()
  async keysList(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    const gate = this.gate(req, reply);
    if (gate) await this.renderKeys(reply, gate, query, 200);
  }

  @Post('keys/:id/revoke')
  @AdminPage('/portal/admin/keys')
  async keyRevoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const f = this.posted(req, reply, ['csrf'] as const);
    if (!f) return;
    try {
      await this.keys.adminRevoke(sessionPrincipal(f.gate.active.user, req.ip), id);
    } catch (err) {
      if (err instanceof ProblemError && err.status < 500) return this.renderKeys(reply, f.gate, {}, err.status, err.detail);
      throw err;
    }
    seeOther(reply, '/portal/admin/keys?done=key-revoked');
  }

  private async renderUsers(reply: FastifyReply, gate: Gate, query: unknown, status: number, notice?: string): Promise<void> {
    const parsed = parseUsersQuery(query);
    const common = { csrf: gate.csrf, meId: gate.active.user.id, raw: parsed.raw, notice, done: doneFlag(query) };
    if (!parsed.ok) return void this.page(gate, reply, 400, 'Users', usersPage({ ...common, errors: parsed.errors, users: [], back: '' }));
    const q: UsersQuery = parsed.value;
    const page = await this.adminUsers.list({ q: q.q, role: q.role, status: q.status }, PAGE, q.cursor);
    const kept = { q: q.q, role: q.role, status: q.status };
    const back = queryString(kept).slice(1);
    this.page(
      gate,
      reply,
      status,
      'Users',
      usersPage({ ...common, errors: {}, users: page.data, back, ...pageLinks('/portal/admin/users', kept, page.next_cursor, q.cursor) }),
    );
  }

  private async renderClients(reply: FastifyReply, gate: Gate, query: unknown, status: number, notice?: string): Promise<void> {
    const { raw, errors } = readQuery(query, ['cursor', 'q']);
    if (errors.cursor || errors.q) return void sendErrorPage(reply, 400, 'This page link is not valid', errors.cursor ?? errors.q);
    const page = await this.clients.list(gate.caller, PAGE, raw.cursor, true, { q: raw.q });
    const owners = await this.adminUsers.emails(page.data.map((c) => c.owner_id));
    const firstParty = await this.clients.firstPartyIds();
    this.page(
      gate,
      reply,
      status,
      'Applications',
      clientsPage({
        clients: page.data,
        owners,
        firstParty,
        notice,
        done: doneFlag(query),
        q: raw.q,
        ...pageLinks('/portal/admin/clients', { q: raw.q }, page.next_cursor, raw.cursor),
      }),
    );
  }

  private async renderKeys(reply: FastifyReply, gate: Gate, query: unknown, status: number, notice?: string): Promise<void> {
    const { raw, errors } = readQuery(query, ['cursor']);
    if (errors.cursor) return void sendErrorPage(reply, 400, 'This page link is not valid', errors.cursor);
    const page = await this.keys.adminList(sessionPrincipal(gate.active.user), { limit: PAGE, cursor: raw.cursor });
    const owners = await this.adminUsers.emails(page.data.map((k) => k.owner_id));
    this.page(
      gate,
      reply,
      status,
      'API keys',
      keysPage({
        csrf: gate.csrf,
        keys: page.data,
        owners,
        notice,
        done: doneFlag(query),
        ...pageLinks('/portal/admin/keys', {}, page.next_cursor, raw.cursor),
      }),
    );
  }

  /** An admin page: the portal's nav (Admin current), the wide layout. */
  private page(gate: Gate, reply: FastifyReply, status: number, title: string, body: SafeHtml): void {
    sendPage(reply, status, title, body, {}, { nav: sessionNav(gate.active.user, gate.csrf, 'admin'), wide: true });
  }

  /** The signed-in admin the guard admitted (`@AdminPage()`): session, caller and CSRF token. */
  private gate(req: FastifyRequest, reply: FastifyReply): Gate {
    const active = signedIn(req);
    return { active, caller: { userId: active.user.id, role: active.user.role, ip: req.ip }, csrf: this.sessions.csrfToken(req, reply, active) };
  }

  /** The gate for a POST: an admin, a well-formed form, and the session's CSRF token. */
  private posted<K extends string>(
    req: FastifyRequest,
    reply: FastifyReply,
    names: readonly K[],
  ): { gate: Gate; values: Record<K, string | undefined> } | undefined {
    const gate = this.gate(req, reply);
    const values = fields(req, names);
    if (!values) {
      sendErrorPage(reply, 400, 'This form is not valid', 'The form was incomplete or altered; go back, reload the page and try again.');
      return undefined;
    }
    if (!this.sessions.csrfValid(req, (values as Record<string, string | undefined>).csrf, gate.active, false)) {
      sendErrorPage(reply, 403, 'This form has expired', FORM_EXPIRED);
      return undefined;
    }
    return { gate, values };
  }
}
