import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateApiKeyDto, KEY_FIELD_WORDS, RotateApiKeyDto } from '../api-keys/api-key.dto.js';
import type { FieldError } from '../platform/http/problem.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { SignedInPage } from '../auth/auth.decorator.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { seeOther } from '../platform/html/page.js';
import { keyCreatedPage, keyPage, keysPage, newKeyPage, revokeKeyPage, type KeyFormValues } from './keys.views.js';
import { intOrRaw, validated, type FieldErrors } from './portal-form.js';
import { PortalPages, type PortalContext } from './portal-pages.service.js';

const NEW_KEY: KeyFormValues = { name: '', scopes: ['data:read'], expiresAt: '' };

/**
 * The developer's API keys as pages: list (with last-used times), create (the key shown once, on the
 * response), rotate with a grace period (the new key shown once), revoke after a confirmation.
 * Every action goes through ApiKeysService with the same DTO rules as /v1/api-keys, acting for the
 * session's user; another user's key is 404.
 */
@ApiExcludeController()
@Controller('portal/keys')
export class PortalKeysController {
  constructor(
    private readonly pages: PortalPages,
    private readonly keys: ApiKeysService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  @SignedInPage()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    const page = await this.keys.list(ctx.principal, { limit: 100 });
    const body = keysPage({ keys: page.data, more: page.next_cursor !== null, notice: typeof notice === 'string' ? notice : undefined });
    this.pages.send(reply, ctx, 200, 'API keys', body, { current: 'keys' });
  }

  @Get('new')
  @SignedInPage()
  newForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const ctx = this.pages.forPage(req, reply);
    this.pages.send(reply, ctx, 200, 'New API key', newKeyPage({ csrf: ctx.csrf, values: NEW_KEY, errors: {} }), { current: 'keys' });
  }

  @Post()
  @SignedInPage()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = this.pages.forForm(req, reply, ['name', 'expires_at'] as const, ['scopes'] as const);
    if (!f) return;
    const { ctx, one, many } = f;
    const dto = Object.assign(new CreateApiKeyDto(), { name: one.name ?? '', scopes: many.scopes, expires_at: one.expires_at });
    try {
      const outcome = await validated(
        dto,
        () => this.keys.create(ctx.principal, dto),
        () => pastExpiry(one.expires_at),
      );
      if (!outcome.ok) {
        const values = { name: (one.name ?? '').slice(0, 1000), scopes: many.scopes, expiresAt: (one.expires_at ?? '').slice(0, 100) };
        return void this.pages.send(reply, ctx, 400, 'New API key', newKeyPage({ csrf: ctx.csrf, values, errors: outcome.errors }), { current: 'keys' });
      }
      const { key: secret, ...key } = outcome.result;
      const body = keyCreatedPage({ key, secret, title: 'API key created', publicUrl: this.config.publicUrl });
      this.pages.send(reply, ctx, 201, 'API key created', body, { copyScript: true });
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':id')
  @SignedInPage()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      await this.render(reply, ctx, 200, id, {});
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  /** A new key, shown on this response only; the old one keeps working for the chosen grace period. */
  @Post(':id/rotate')
  @SignedInPage()
  async rotate(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const f = this.pages.forForm(req, reply, ['grace_period_seconds'] as const);
    if (!f) return;
    const { ctx, one } = f;
    try {
      await this.keys.get(ctx.principal, id); // another user's key: 404 before anything else
      const dto = Object.assign(new RotateApiKeyDto(), { grace_period_seconds: intOrRaw(one.grace_period_seconds) });
      const outcome = await validated(dto, () => this.keys.rotate(ctx.principal, id, dto));
      if (!outcome.ok) return void (await this.render(reply, ctx, 400, id, outcome.errors));
      const { key: secret, previous_key_expires_at: previousExpiresAt, ...key } = outcome.result;
      const body = keyCreatedPage({ key, secret, title: 'New API key', publicUrl: this.config.publicUrl, previousExpiresAt });
      this.pages.send(reply, ctx, 200, 'New API key', body, { copyScript: true });
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':id/revoke')
  @SignedInPage()
  async confirmRevoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const key = await this.keys.get(ctx.principal, id);
      this.pages.send(reply, ctx, 200, `Revoke ${key.name}`, revokeKeyPage({ csrf: ctx.csrf, key }));
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Post(':id/revoke')
  @SignedInPage()
  async revoke(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    const f = this.pages.forForm(req, reply, [] as const);
    if (!f) return;
    try {
      await this.keys.revoke(f.ctx.principal, id);
      seeOther(reply, '/portal/keys?notice=revoked');
    } catch (err) {
      this.pages.fail(reply, f.ctx, err);
    }
  }

  private async render(reply: FastifyReply, ctx: PortalContext, status: number, id: string, errors: FieldErrors): Promise<void> {
    const key = await this.keys.get(ctx.principal, id);
    const rotated = (await this.keys.list(ctx.principal, { limit: 100 })).data.some((k) => k.rotated_from === key.id);
    this.pages.send(reply, ctx, status, `API key ${key.name}`, keyPage({ csrf: ctx.csrf, key, rotated, errors }), { current: 'keys' });
  }
}

/** The service's expiry rule, shown with the DTO's errors: a date that has passed. */
function pastExpiry(value: string | undefined): FieldError[] {
  const at = value === undefined ? NaN : Date.parse(value);
  return at <= Date.now() ? [{ field: 'expires_at', message: KEY_FIELD_WORDS.expires_at_passed }] : [];
}
