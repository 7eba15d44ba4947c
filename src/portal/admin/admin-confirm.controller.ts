import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminUsersService } from '../../admin/admin-users.service.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { AdminPage } from '../../auth/auth.decorator.js';
import { ClientManagementService } from '../../clients/client-management.service.js';
import { sendErrorPage, sendPage } from '../../platform/html/page.js';
import { ProblemError } from '../../platform/http/problem.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { UsersService } from '../../users/users.service.js';
import { confirmPage, type Confirmation } from '../confirm.views.js';
import { sessionNav } from '../nav.js';
import { signedIn } from '../portal-pages.service.js';
import { CLIENT_ACTIONS, USER_ACTIONS, clientConfirmation, keyConfirmation, userConfirmation } from './admin-confirm.views.js';
import { readQuery } from './admin-query.js';

/**
 * The confirmation pages of the admin console (GET, change nothing): what will happen and to whom,
 * with Cancel and Confirm. Confirm POSTs to the action routes of AdminPortalController (CSRF
 * token), which answer 303 back to the list with a one-time notice.
 */
@ApiExcludeController()
@Controller('portal/admin')
export class AdminConfirmController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly adminUsers: AdminUsersService,
    private readonly clients: ClientManagementService,
    private readonly keys: ApiKeysService,
  ) {}

  @Get('users/:id/confirm')
  @AdminPage()
  async user(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query() query: unknown): Promise<void> {
    const { raw, errors } = readQuery(query, ['action', 'back'], 1000);
    const action = raw.action ?? '';
    if (Object.keys(errors).length || !Object.hasOwn(USER_ACTIONS, action)) return this.badLink(reply);
    const user = await this.users.find(id);
    if (!user) return void sendErrorPage(reply, 404, 'Not found', 'There is no user with this id.');
    if (user.id === signedIn(req).user.id) return void sendErrorPage(reply, 400, 'This cannot be done', 'Not on your own account: ask another admin.');
    const confirmation = userConfirmation(user, action, raw.back ?? '');
    if (!confirmation) return this.badLink(reply);
    this.send(req, reply, confirmation);
  }

  @Get('clients/:clientId/confirm')
  @AdminPage()
  async client(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string, @Query() query: unknown): Promise<void> {
    const { raw, errors } = readQuery(query, ['action']);
    const action = raw.action ?? '';
    if (Object.keys(errors).length || !Object.hasOwn(CLIENT_ACTIONS, action)) return this.badLink(reply);
    const active = signedIn(req);
    try {
      const client = await this.clients.get({ userId: active.user.id, role: active.user.role, ip: req.ip }, clientId, true);
      if (action === 'delete' && client.firstParty) {
        return void sendErrorPage(reply, 409, 'This cannot be done', 'A first-party client cannot be deleted from the console: disable it instead.');
      }
      const owners = await this.adminUsers.emails([client.ownerId]);
      this.send(req, reply, clientConfirmation(client, action, client.ownerId ? (owners.get(client.ownerId) ?? client.ownerId) : undefined));
    } catch (err) {
      this.fail(reply, err);
    }
  }

  @Get('keys/:id/revoke')
  @AdminPage()
  async key(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    try {
      const key = await this.keys.operatorGet(id);
      if (key.status === 'revoked') return void sendErrorPage(reply, 409, 'This cannot be done', 'This API key is already revoked.');
      const owners = await this.adminUsers.emails([key.owner_id]);
      this.send(req, reply, keyConfirmation(key, owners.get(key.owner_id)));
    } catch (err) {
      this.fail(reply, err);
    }
  }

  private send(req: FastifyRequest, reply: FastifyReply, c: Confirmation): void {
    const active = signedIn(req);
    const csrf = this.sessions.csrfToken(req, reply, active);
    sendPage(reply, 200, c.heading, confirmPage(c, csrf), {}, { nav: sessionNav(active.user, csrf, 'admin') });
  }

  private badLink(reply: FastifyReply): void {
    sendErrorPage(reply, 400, 'This link is not valid', 'Go back to the list and choose the action again.');
  }

  private fail(reply: FastifyReply, err: unknown): void {
    if (!(err instanceof ProblemError) || err.status >= 500) throw err;
    sendErrorPage(reply, err.status, err.status === 404 ? 'Not found' : 'This cannot be done', err.detail);
  }
}
