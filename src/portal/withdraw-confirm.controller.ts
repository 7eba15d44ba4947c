import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedInPage } from '../auth/auth.decorator.js';
import { ConsentsService } from '../oauth/consents.js';
import { html } from '../platform/html/html.js';
import { sendErrorPage } from '../platform/html/page.js';
import { confirmPage } from './confirm.views.js';
import { PortalPages } from './portal-pages.service.js';
import { withdrawStops } from './portal.views.js';

/**
 * "Withdraw" in Connected apps asks first (GET, changes nothing): which application, what it will
 * stop (its tokens for you, and the keys and applications it created for you), Cancel or Withdraw.
 * Withdraw POSTs to `/portal/connected-apps/{client_id}/revoke` (PortalController) with the CSRF token.
 */
@ApiExcludeController()
@Controller('portal/connected-apps')
export class WithdrawConfirmController {
  constructor(
    private readonly pages: PortalPages,
    private readonly consents: ConsentsService,
  ) {}

  @Get(':clientId/revoke')
  @SignedInPage()
  async confirm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    const app = (await this.consents.listForUser(ctx.active.user.id)).find((a) => a.clientId === clientId);
    if (!app) return void sendErrorPage(reply, 404, 'No such application', 'No application with this client id can act for you.');
    const made = app.made.map((m) => html`<li>${m.kind === 'key' ? 'API key' : 'application'} <strong>${m.name}</strong></li>`);
    const body = confirmPage(
      {
        heading: `Withdraw ${app.name}'s access?`,
        what: html`<p><strong>${app.name}</strong> (<code>${app.clientId}</code>) can act for you with <code>${app.scopes.join(' ')}</code>.</p>
          <p>${withdrawStops(app.made)} Its tokens for you stop working at once; it must ask you again to get new ones.</p>
          ${
            made.length
              ? html`<ul class="made">
                  ${made}
                </ul>`
              : ''
          }`,
        action: `/portal/connected-apps/${encodeURIComponent(app.clientId)}/revoke`,
        confirm: 'Withdraw',
        danger: true,
        cancel: '/portal/connected-apps',
      },
      ctx.csrf,
    );
    this.pages.send(reply, ctx, 200, 'Withdraw access', body, { current: 'connected-apps' });
  }
}
