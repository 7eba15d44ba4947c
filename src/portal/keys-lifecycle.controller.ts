import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyLifecycleService } from '../api-keys/api-key-lifecycle.service.js';
import { RenameApiKeyDto } from '../api-keys/api-key.dto.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { SignedInPage } from '../auth/auth.decorator.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { seeOther } from '../platform/html/page.js';
import { ProblemError } from '../platform/http/problem.js';
import { ShownOnceService } from '../sessions/shown-once.service.js';
import { KeyPages } from './key-pages.service.js';
import { expireKeyPage } from './keys-lifecycle.views.js';
import { validated } from './portal-form.js';
import { keyCreatedPage } from './keys.views.js';
import { PortalPages } from './portal-pages.service.js';
import { alreadyShownPage } from './shown-once.views.js';

/**
 * The API key pages of issue 17 that are not the list or the forms: the page a create or rotate
 * redirects to, which shows the key once (a reload says "already shown"); rename; stop a rotated key
 * before its grace period ends (after a confirmation). Another user's key is 404.
 */
@ApiExcludeController()
@Controller('portal/keys')
export class PortalKeysLifecycleController {
  constructor(
    private readonly pages: PortalPages,
    private readonly keys: ApiKeysService,
    private readonly shown: ShownOnceService,
    private readonly lifecycle: ApiKeyLifecycleService,
    private readonly keyPages: KeyPages,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get(':id/shown/:ticket')
  @SignedInPage()
  async shownOnce(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Param('ticket') ticket: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const key = await this.keys.get(ctx.principal, id); // another user's key: 404
      const value = await this.shown.take(ctx.active.session.id, 'api_key', key.id, ticket);
      if (!value) {
        const body = alreadyShownPage({ what: 'key', href: `/portal/keys/${key.id}`, back: 'Go to the key', rotate: 'Rotate the key if you lost it.' });
        return void this.pages.send(reply, ctx, 200, 'Already shown', body, { current: 'keys' });
      }
      const title = value.extra.title ?? 'API key';
      const previousExpiresAt = value.extra.previous_key_expires_at;
      const body = keyCreatedPage({ key, secret: value.secret, title, publicUrl: this.config.publicUrl, previousExpiresAt });
      this.pages.send(reply, ctx, 200, title, body, { copyScript: true });
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Post(':id/rename')
  @SignedInPage()
  async rename(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const f = this.pages.forForm(req, reply, ['name'] as const);
    if (!f) return;
    const { ctx, one } = f;
    try {
      await this.keys.get(ctx.principal, id); // another user's key: 404 before anything else
      const dto = Object.assign(new RenameApiKeyDto(), { name: one.name ?? '' });
      const outcome = await validated(dto, () => this.lifecycle.rename(ctx.principal, id, dto));
      if (!outcome.ok)
        return void (await this.keyPages.render(reply, ctx, 400, id, { rename: { value: (one.name ?? '').slice(0, 1000), errors: outcome.errors } }));
      seeOther(reply, `/portal/keys/${outcome.result.id}?notice=renamed`);
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':id/expire')
  @SignedInPage()
  async confirmExpire(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const key = await this.keys.get(ctx.principal, id);
      if (!key.rotated_at || key.status !== 'active')
        throw ProblemError.conflict('Only a rotated key that still works can be stopped early; revoke a key to stop it now');
      const successor = (await this.lifecycle.successors(key.owner_id, [key.id])).get(key.id);
      this.pages.send(reply, ctx, 200, `Stop ${key.name}`, expireKeyPage({ csrf: ctx.csrf, key, successor }), { current: 'keys' });
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Post(':id/expire')
  @SignedInPage()
  async expire(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const f = this.pages.forForm(req, reply, [] as const);
    if (!f) return;
    try {
      const key = await this.lifecycle.endGrace(f.ctx.principal, id);
      seeOther(reply, `/portal/keys/${key.id}?notice=expired`);
    } catch (err) {
      this.pages.fail(reply, f.ctx, err);
    }
  }
}
