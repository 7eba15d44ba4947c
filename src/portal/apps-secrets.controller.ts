import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedInPage } from '../auth/auth.decorator.js';
import { ClientManagementService } from '../clients/client-management.service.js';
import { ClientSecretsService } from '../clients/client-secrets.service.js';
import { seeOther } from '../platform/html/page.js';
import { ProblemError } from '../platform/http/problem.js';
import { endPreviousPage } from './app-secrets.views.js';
import { toClientView } from '../clients/client.dto.js';
import { ShownOnceService } from '../sessions/shown-once.service.js';
import { appCreatedPage, secretRotatedPage } from './apps.views.js';
import { PortalPages } from './portal-pages.service.js';
import { alreadyShownPage } from './shown-once.views.js';

/**
 * An application's secrets (issue 17): the page a create or a rotation redirects to, which shows the
 * secret once (a reload says "already shown"); ending the previous secret before its grace period is
 * over, after a confirmation. Another user's application is 404.
 */
@ApiExcludeController()
@Controller('portal/apps')
export class PortalAppSecretsController {
  constructor(
    private readonly pages: PortalPages,
    private readonly manage: ClientManagementService,
    private readonly shown: ShownOnceService,
    private readonly secrets: ClientSecretsService,
  ) {}

  @Get(':clientId/shown/:ticket')
  @SignedInPage()
  async shownOnce(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string, @Param('ticket') ticket: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const client = toClientView(await this.manage.get(ctx.caller, clientId)); // another user's application: 404
      const value = await this.shown.take(ctx.active.session.id, 'client_secret', client.client_id, ticket);
      const href = `/portal/apps/${encodeURIComponent(client.client_id)}`;
      if (!value) {
        const body = alreadyShownPage({ what: 'secret', href, back: 'Go to the application', rotate: 'Rotate it on the application page if you lost it.' });
        return void this.pages.send(reply, ctx, 200, 'Already shown', body);
      }
      const previousExpiresAt = value.extra.previous_secret_expires_at;
      if (value.extra.title === 'rotated' && previousExpiresAt) {
        return void this.pages.send(reply, ctx, 200, 'New client secret', secretRotatedPage({ client, secret: value.secret, previousExpiresAt }), {
          copyScript: true,
        });
      }
      this.pages.send(reply, ctx, 200, 'Application created', appCreatedPage({ client, secret: value.secret }), { copyScript: true });
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':clientId/secret/end-previous')
  @SignedInPage()
  async confirmEndPrevious(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const client = toClientView(await this.manage.get(ctx.caller, clientId));
      const secrets = await this.secrets.live(ctx.caller, client.client_id);
      if (!secrets.some((s) => s.expires_at !== null))
        throw ProblemError.conflict('No previous secret of this application is still working: there is nothing to end');
      this.pages.send(reply, ctx, 200, `End the previous secret of ${client.name}`, endPreviousPage({ csrf: ctx.csrf, client, secrets }));
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Post(':clientId/secret/end-previous')
  @SignedInPage()
  async endPrevious(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.pages.forForm(req, reply, [] as const);
    if (!f) return;
    try {
      await this.secrets.endPrevious(f.ctx.caller, clientId);
      seeOther(reply, `/portal/apps/${encodeURIComponent(clientId)}?notice=previous-ended`);
    } catch (err) {
      this.pages.fail(reply, f.ctx, err);
    }
  }
}
