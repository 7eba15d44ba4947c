import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignedInPage } from '../auth/auth.decorator.js';
import { ALL_SCOPES } from '../auth/scopes.js';
import { ClientManagementService } from '../clients/client-management.service.js';
import { ClientSecretsService } from '../clients/client-secrets.service.js';
import { liveSecrets } from './app-secrets.views.js';
import { CreateClientDto, RotateSecretDto, toClientView, UpdateClientDto, type ClientView } from '../clients/client.dto.js';
import type { ApplicationType, ClientType, GrantType, TokenSigningAlg } from '../clients/client.entity.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { seeOther } from '../platform/html/page.js';
import { ShownOnceService } from '../sessions/shown-once.service.js';
import { appPage, deleteAppPage, newAppPage, type AppFormValues } from './apps.views.js';
import { intOrRaw, lines, validated, type FieldErrors } from './portal-form.js';
import { clientRuleErrors } from '../clients/client-rules.js';
import type { FieldError } from '../platform/http/problem.js';
import { PortalPages, type PortalContext } from './portal-pages.service.js';

const ALG_FIELDS = ['access_token_signed_response_alg', 'id_token_signed_response_alg'] as const;
const APP_FIELDS = ['name', 'type', 'application_type', 'homepage_url', 'redirect_uris', 'post_logout_redirect_uris', ...ALG_FIELDS] as const;
const EDIT_FIELDS = ['name', 'homepage_url', 'redirect_uris', 'post_logout_redirect_uris', ...ALG_FIELDS] as const;
const APP_LISTS = ['grant_types', 'scopes'] as const;
const NEW_APP: AppFormValues = {
  name: '',
  type: 'confidential',
  applicationType: 'web',
  homepageUrl: '',
  redirectUris: '',
  postLogoutRedirectUris: '',
  grants: ['client_credentials'],
  scopes: ['data:read'],
  accessTokenAlg: 'ES256',
  idTokenAlg: 'ES256',
};

/** The scopes a user may tick: all but `admin`, which only admin users may register. */
function scopeChoices(ctx: PortalContext): string[] {
  return ALL_SCOPES.filter((s) => s !== 'admin' || ctx.caller.role === 'admin');
}

/** What the user typed, to show again with the errors (cut short: a huge input is not echoed whole). */
function typed(one: Partial<Record<(typeof APP_FIELDS)[number], string>>, many: Record<(typeof APP_LISTS)[number], string[]>): AppFormValues {
  return {
    name: (one.name ?? '').slice(0, 1000),
    type: one.type ?? 'confidential',
    applicationType: one.application_type ?? 'web',
    homepageUrl: (one.homepage_url ?? '').slice(0, 5000),
    redirectUris: (one.redirect_uris ?? '').slice(0, 50_000),
    postLogoutRedirectUris: (one.post_logout_redirect_uris ?? '').slice(0, 50_000),
    grants: many.grant_types,
    scopes: many.scopes,
    accessTokenAlg: (one.access_token_signed_response_alg ?? 'ES256').slice(0, 100),
    idTokenAlg: (one.id_token_signed_response_alg ?? 'ES256').slice(0, 100),
  };
}

/** The service's rules on the form's values, to show with the DTO's errors (all at once). */
function rulesOf(role: string, kind: { type: string | undefined; applicationType: string | undefined }, dto: UpdateClientDto): () => FieldError[] {
  const type = (kind.type ?? 'confidential') as ClientType;
  const lists = [dto.grant_types, dto.scopes, dto.redirect_uris, dto.post_logout_redirect_uris].map((l) => l ?? []);
  const home = dto.homepage_url;
  return () => clientRuleErrors(role, { type, applicationType: kind.applicationType ?? 'web' }, lists[0], lists[1], lists[2], lists[3], home);
}

/** The fields the form sent (an absent one stays as stored). */
function definedOnly<T extends Record<string, string | undefined>>(one: T): Partial<T> {
  return Object.fromEntries(Object.entries(one).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The two algorithm selects as DTO fields (absent: unchanged on an edit, ES256 for a new client). */
function algsOf(one: Partial<Record<(typeof ALG_FIELDS)[number], string>>): {
  access_token_signed_response_alg?: TokenSigningAlg;
  id_token_signed_response_alg?: TokenSigningAlg;
} {
  return {
    access_token_signed_response_alg: one.access_token_signed_response_alg as TokenSigningAlg | undefined,
    id_token_signed_response_alg: one.id_token_signed_response_alg as TokenSigningAlg | undefined,
  };
}

function stored(c: ClientView): AppFormValues {
  return {
    name: c.name,
    type: c.type,
    applicationType: c.application_type,
    homepageUrl: c.homepage_url ?? '',
    redirectUris: c.redirect_uris.join('\n'),
    postLogoutRedirectUris: c.post_logout_redirect_uris.join('\n'),
    grants: c.grant_types,
    scopes: c.scopes,
    accessTokenAlg: c.access_token_signed_response_alg,
    idTokenAlg: c.id_token_signed_response_alg,
  };
}

/**
 * The developer's applications (OAuth clients) as pages: create (the secret shown once by the page the
 * POST redirects to: post/redirect/get), read with curl examples, edit, rotate the secret, delete. Every write goes through
 * ClientManagementService, after the same DTO rules as POST/PATCH /v1/clients, acting for the
 * session's user; another user's client is 404.
 */
@ApiExcludeController()
@Controller('portal/apps')
export class PortalAppsController {
  constructor(
    private readonly pages: PortalPages,
    private readonly manage: ClientManagementService,
    private readonly shown: ShownOnceService,
    private readonly secrets: ClientSecretsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get('new')
  @SignedInPage()
  newForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply): void {
    const ctx = this.pages.forPage(req, reply);
    this.pages.send(reply, ctx, 200, 'New application', newAppPage({ csrf: ctx.csrf, values: NEW_APP, errors: {}, scopeChoices: scopeChoices(ctx) }), {
      current: 'apps',
    });
  }

  @Post()
  @SignedInPage()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const f = this.pages.forForm(req, reply, APP_FIELDS, APP_LISTS);
    if (!f) return;
    const { ctx, one, many } = f;
    const dto = Object.assign(new CreateClientDto(), {
      name: one.name ?? '',
      type: one.type as ClientType | undefined,
      application_type: one.application_type as ApplicationType | undefined,
      grant_types: many.grant_types as GrantType[],
      scopes: many.scopes,
      redirect_uris: lines(one.redirect_uris),
      ...algsOf(one),
      post_logout_redirect_uris: lines(one.post_logout_redirect_uris),
      homepage_url: one.homepage_url?.trim() || undefined,
    });
    try {
      const rules = rulesOf(ctx.caller.role, { type: dto.type, applicationType: dto.application_type }, dto);
      const outcome = await validated(dto, () => this.manage.create(ctx.caller, dto), rules);
      if (!outcome.ok) {
        const page = newAppPage({ csrf: ctx.csrf, values: typed(one, many), errors: outcome.errors, scopeChoices: scopeChoices(ctx) });
        return void this.pages.send(reply, ctx, 400, 'New application', page, { current: 'apps' });
      }
      const { client_secret: secret, client_id: id } = outcome.result;
      if (!secret) return void seeOther(reply, `/portal/apps/${encodeURIComponent(id)}?notice=created`);
      // Post/redirect/get: the secret waits (sealed, for this session) for the page that shows it once.
      const ticket = await this.shown.park(ctx.active.session.id, 'client_secret', id, secret, { title: 'created' });
      seeOther(reply, `/portal/apps/${encodeURIComponent(id)}/shown/${ticket}`);
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':clientId')
  @SignedInPage()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string, @Query('notice') notice: unknown): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const client = toClientView(await this.manage.get(ctx.caller, clientId));
      await this.render(reply, ctx, 200, client, stored(client), {}, {}, typeof notice === 'string' ? notice : undefined);
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Post(':clientId')
  @SignedInPage()
  async update(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.pages.forForm(req, reply, EDIT_FIELDS, APP_LISTS);
    if (!f) return;
    const { ctx, one, many } = f;
    try {
      const client = toClientView(await this.manage.get(ctx.caller, clientId));
      const dto = Object.assign(new UpdateClientDto(), {
        name: one.name ?? '',
        grant_types: many.grant_types as GrantType[],
        scopes: many.scopes,
        redirect_uris: lines(one.redirect_uris),
        ...algsOf(one),
        post_logout_redirect_uris: lines(one.post_logout_redirect_uris),
        // An emptied field removes the home page.
        homepage_url: one.homepage_url?.trim() || null,
      });
      const rules = rulesOf(ctx.caller.role, { type: client.type, applicationType: client.application_type }, dto);
      const outcome = await validated(dto, () => this.manage.update(ctx.caller, clientId, dto), rules);
      if (!outcome.ok)
        return void (await this.render(
          reply,
          ctx,
          400,
          client,
          typed(
            {
              access_token_signed_response_alg: client.access_token_signed_response_alg,
              id_token_signed_response_alg: client.id_token_signed_response_alg,
              ...definedOnly(one),
              type: client.type,
              application_type: client.application_type,
            },
            many,
          ),
          outcome.errors,
          {},
        ));
      seeOther(reply, `/portal/apps/${encodeURIComponent(client.client_id)}?notice=saved`);
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  /** A new secret, shown once after the redirect; the old one keeps working for the chosen grace period. */
  @Post(':clientId/secret/rotate')
  @SignedInPage()
  async rotate(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.pages.forForm(req, reply, ['grace_period_seconds'] as const);
    if (!f) return;
    const { ctx, one } = f;
    try {
      const client = toClientView(await this.manage.get(ctx.caller, clientId));
      const dto = Object.assign(new RotateSecretDto(), { grace_period_seconds: intOrRaw(one.grace_period_seconds) });
      const outcome = await validated(dto, () => this.manage.rotateSecret(ctx.caller, clientId, dto.grace_period_seconds));
      if (!outcome.ok) return void (await this.render(reply, ctx, 400, client, stored(client), {}, outcome.errors));
      const { client_secret: secret, previous_secret_expires_at } = outcome.result;
      const ticket = await this.shown.park(ctx.active.session.id, 'client_secret', client.client_id, secret, { title: 'rotated', previous_secret_expires_at });
      seeOther(reply, `/portal/apps/${encodeURIComponent(client.client_id)}/shown/${ticket}`);
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Get(':clientId/delete')
  @SignedInPage()
  async confirmDelete(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const ctx = this.pages.forPage(req, reply);
    try {
      const client = toClientView(await this.manage.get(ctx.caller, clientId));
      this.pages.send(reply, ctx, 200, `Delete ${client.name}`, deleteAppPage({ csrf: ctx.csrf, client }));
    } catch (err) {
      this.pages.fail(reply, ctx, err);
    }
  }

  @Post(':clientId/delete')
  @SignedInPage()
  async remove(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('clientId') clientId: string): Promise<void> {
    const f = this.pages.forForm(req, reply, [] as const);
    if (!f) return;
    try {
      await this.manage.remove(f.ctx.caller, clientId);
      seeOther(reply, '/portal?notice=app-deleted');
    } catch (err) {
      this.pages.fail(reply, f.ctx, err);
    }
  }

  private async render(
    reply: FastifyReply,
    ctx: PortalContext,
    status: number,
    client: ClientView,
    values: AppFormValues,
    errors: FieldErrors,
    rotateErrors: FieldErrors,
    notice?: string,
  ): Promise<void> {
    const secrets = client.type === 'confidential' ? liveSecrets(client.client_id, await this.secrets.live(ctx.caller, client.client_id)) : undefined;
    const page = appPage({
      csrf: ctx.csrf,
      client,
      publicUrl: this.config.publicUrl,
      values,
      errors,
      rotateErrors,
      scopeChoices: scopeChoices(ctx),
      notice,
      secrets,
    });
    this.pages.send(reply, ctx, status, client.name, page, { copyScript: true });
  }
}
