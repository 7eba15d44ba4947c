import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CreateApiKeyDto, KEY_FIELD_WORDS, RotateApiKeyDto } from '../api-keys/api-key.dto.js';
import type { FieldError } from '../platform/http/problem.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { SignedInPage } from '../auth/auth.decorator.js';
import { seeOther, sendErrorPage } from '../platform/html/page.js';
import { KEY_FILTERS, isKeyFilter } from '../api-keys/api-key-filters.js';
import type { ApiKeyEnvironment } from '../api-keys/api-key-format.js';
import { ApiKeyLifecycleService } from '../api-keys/api-key-lifecycle.service.js';
import { KeyPages } from './key-pages.service.js';
import { sessionNav } from './nav.js';
import { ShownOnceService } from '../sessions/shown-once.service.js';
import { keysPage, newKeyPage, revokeKeyPage, type KeyFormValues } from './keys.views.js';
import { intOrRaw, validated } from './portal-form.js';
import { PortalPages } from './portal-pages.service.js';

const NEW_KEY: KeyFormValues = { name: '', scopes: ['data:read'], expiresAt: '', environment: 'live' };

/**
 * The developer's API keys as pages: list (with last-used times), create and rotate (post/redirect/get:
 * the key is shown once by the page the POST redirects to, see PortalKeysLifecycleController), revoke
 * after a confirmation.
 * Every action goes through ApiKeysService with the same DTO rules as /v1/api-keys, acting for the
 * session's user; another user's key is 404.
 */
@ApiExcludeController()
@Controller('portal/keys')
export class PortalKeysController {
  constructor(
    private readonly pages: PortalPages,
    private readonly keys: ApiKeysService,
    private readonly shown: ShownOnceService,
    private readonly lifecycle: ApiKeyLifecycleService,
    private readonly keyPages: KeyPages,
  ) {}

  @Get()
  @SignedInPage()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('notice') notice: unknown, @Query('status') status: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    const filter = status === undefined ? 'current' : status;
    if (!isKeyFilter(filter)) {
      const message = `The filter must be one of: ${KEY_FILTERS.join(', ')} (once).`;
      return void sendErrorPage(reply, 400, 'Unknown filter', message, {}, { nav: sessionNav(ctx.active.user, ctx.csrf, 'keys') });
    }
    const page = await this.keys.list(ctx.principal, { limit: 100, status: filter });
    const rotated = page.data.filter((k) => k.rotated_at).map((k) => k.id);
    const successors = await this.lifecycle.successors(ctx.active.user.id, rotated);
    const body = keysPage({ keys: page.data, successors, filter, more: page.next_cursor !== null, notice: typeof notice === 'string' ? notice : undefined });
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
    const f = this.pages.forForm(req, reply, ['name', 'expires_at', 'environment'] as const, ['scopes'] as const);
    if (!f) return;
    const { ctx, one, many } = f;
    const environment = one.environment as ApiKeyEnvironment | undefined;
    const dto = Object.assign(new CreateApiKeyDto(), { name: one.name ?? '', scopes: many.scopes, expires_at: one.expires_at, environment });
    try {
      const outcome = await validated(
        dto,
        () => this.keys.create(ctx.principal, dto),
        () => pastExpiry(one.expires_at),
      );
      if (!outcome.ok) {
        const values = {
          name: (one.name ?? '').slice(0, 1000),
          scopes: many.scopes,
          expiresAt: (one.expires_at ?? '').slice(0, 100),
          environment: one.environment ?? 'live',
        };
        return void this.pages.send(reply, ctx, 400, 'New API key', newKeyPage({ csrf: ctx.csrf, values, errors: outcome.errors }), { current: 'keys' });
      }
      // Post/redirect/get: the key waits (sealed, for this session) for the page that shows it once.
      const ticket = await this.shown.park(ctx.active.session.id, 'api_key', outcome.result.id, outcome.result.key, { title: 'API key created' });
      seeOther(reply, `/portal/keys/${outcome.result.id}/shown/${ticket}`);
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':id')
  @SignedInPage()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      await this.keyPages.render(reply, ctx, 200, id, { notice: typeof notice === 'string' ? notice : undefined });
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  /** A new key, shown once after the redirect; the old one keeps working for the chosen grace period. */
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
      if (!outcome.ok) return void (await this.keyPages.render(reply, ctx, 400, id, { errors: outcome.errors }));
      const { id: newId, key: secret, previous_key_expires_at } = outcome.result;
      const ticket = await this.shown.park(ctx.active.session.id, 'api_key', newId, secret, { title: 'New API key', previous_key_expires_at });
      seeOther(reply, `/portal/keys/${newId}/shown/${ticket}`);
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
}

/** The service's expiry rule, shown with the DTO's errors: a date that has passed. */
function pastExpiry(value: string | undefined): FieldError[] {
  const at = value === undefined ? NaN : Date.parse(value);
  return at <= Date.now() ? [{ field: 'expires_at', message: KEY_FIELD_WORDS.expires_at_passed }] : [];
}
