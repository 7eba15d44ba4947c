import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../../audit/audit.service.js';
import { FormBody } from '../../platform/http/form.js';
import type { AppConfig } from '../../platform/config/config.js';
import { InjectConfig } from '../../platform/config/config.module.js';
import { isDatabaseUnavailable } from '../../platform/database/db-errors.js';
import { SessionsService, type ActiveSession } from '../../sessions/sessions.service.js';
import type { SafeHtml } from '../../platform/html/html.js';
import { AuthorizationCodesService } from '../store/authorization-codes.service.js';
import { ConsentsService } from '../store/consents.service.js';
import { MAX_LOCATION, signInLocationFor } from '../../platform/http/return-to.js';
import { AuthorizeRequestValidator, canonicalQuery, type AuthorizeErrorCode, type AuthorizeRequest } from './authorize-request.js';
import { consentPage } from './consent.page.js';
import { afterSignIn, signInTooOld } from './oidc-params.js';
import { withParams } from './redirect-uri.js';

export type AuthorizeOutcome =
  { kind: 'redirect'; location: string } | { kind: 'page'; status: number; title: string; message: string } | { kind: 'consent'; body: SafeHtml };

/**
 * GET /oauth2/authorize and the consent form's POST. Both re-validate the whole authorization
 * request (the consent form carries it back verbatim), so nothing the browser holds is trusted.
 */
@Injectable()
export class AuthorizeService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly validator: AuthorizeRequestValidator,
    private readonly sessions: SessionsService,
    private readonly consents: ConsentsService,
    private readonly codes: AuthorizationCodesService,
    private readonly audit: AuditService,
  ) {}

  async start(req: FastifyRequest, reply: FastifyReply): Promise<AuthorizeOutcome> {
    const query = rawQuery(req.url);
    const v = await this.validator.validate(query);
    if (v.kind !== 'ok') return this.invalid(v);
    return this.unlessDatabaseDown(v.request, () => this.continueStart(req, reply, v.request));
  }

  /**
   * OpenID Connect's prompt and max_age decide whether the user sees a page: sign-in when signed out,
   * or when prompt=login or the sign-in is older than max_age; consent unless remembered (or
   * first-party), or always with prompt=consent. With prompt=none, a page needed is an error instead.
   */
  private async continueStart(req: FastifyRequest, reply: FastifyReply, request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const active = await this.sessions.current(req);
    const { prompt, maxAge } = request.oidc;
    const silent = prompt.has('none');
    if (!active) return silent ? this.error(request.redirectUri, request.state, 'login_required', 'The user is not signed in') : this.signIn(request);
    if (prompt.has('login') || signInTooOld(active.session.createdAt, maxAge)) {
      if (silent) return this.error(request.redirectUri, request.state, 'login_required', 'The sign-in is older than max_age allows');
      return this.signIn(request, true);
    }
    const refused = this.refusedFor(request, active);
    if (refused) return refused;
    const { client, scopes } = request;
    const remembered = client.firstParty || (await this.consents.covers(active.user.id, client.id, scopes));
    if (remembered && !prompt.has('consent')) return this.issue(request, active);
    if (silent) return this.error(request.redirectUri, request.state, 'consent_required', 'The user has not consented to these scopes for this client');
    const csrf = this.sessions.csrfToken(req, reply, active);
    return { kind: 'consent', body: consentPage({ request: request, query: canonicalQuery(request), csrf, userEmail: active.user.email }) };
  }

  async decide(req: FastifyRequest): Promise<AuthorizeOutcome | { kind: 'forbidden' }> {
    if (!(req.body instanceof FormBody) || req.body.hasNul()) return badForm();
    const form = req.body;
    const single = (name: string): string | undefined => (form.all(name).length === 1 ? form.all(name)[0] : undefined);
    const query = single('authz') ?? '';
    const active = await this.sessions.current(req);
    if (active && !this.sessions.csrfValid(req, single('csrf'), active, false)) return { kind: 'forbidden' };
    const v = await this.validator.validate(query);
    if (v.kind !== 'ok') return this.invalid(v);
    if (!active) return this.signIn(v.request);
    return this.unlessDatabaseDown(v.request, () => this.continueDecide(req, form, v.request, active));
  }

  private async continueDecide(req: FastifyRequest, form: FormBody, request: AuthorizeRequest, active: ActiveSession): Promise<AuthorizeOutcome> {
    const single = (name: string): string | undefined => (form.all(name).length === 1 ? form.all(name)[0] : undefined);
    const refused = this.refusedFor(request, active);
    if (refused) return refused;
    // The consent page stayed open past max_age: sign in again first (then consent once more).
    if (signInTooOld(active.session.createdAt, request.oidc.maxAge)) return this.signIn(request, true);
    const decision = single('decision');
    if (decision === 'deny') return this.error(request.redirectUri, request.state, 'access_denied', 'The user denied the request');
    if (decision !== 'allow') return badForm();
    const { client, scopes } = request;
    await this.consents.remember(active.user.id, client.id, scopes);
    void this.audit.record({
      type: 'oauth.consent_granted',
      actorUserId: active.user.id,
      actorClientId: client.clientId,
      ip: req.ip,
      details: { scope: scopes.join(' ') },
    });
    return this.issue(request, active);
  }

  /**
   * Once the client and its redirect URI are known good, a database outage is told to the client the
   * OAuth way (RFC 6749 4.1.2.1: error=temporarily_unavailable, with state and iss), not as a page
   * the user is stuck on. Before that (the client could not be looked up) it is a 503 page.
   */
  private async unlessDatabaseDown(request: AuthorizeRequest, next: () => Promise<AuthorizeOutcome>): Promise<AuthorizeOutcome> {
    try {
      return await next();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return this.error(request.redirectUri, request.state, 'temporarily_unavailable', 'The authorization server cannot reach its database; try again shortly');
    }
  }

  /**
   * Signed out (or `reauthenticate`: prompt=login, max_age): to the sign-in page, carrying the request
   * with only the parameters Gatehouse understands, less what the new sign-in satisfies, so that it
   * does not ask again; login_hint prefills the email. Too long for a `Location` header even so: the
   * client hears invalid_request.
   */
  private signIn(request: AuthorizeRequest, reauthenticate = false): AuthorizeOutcome {
    const back = { ...request, oidc: afterSignIn(request.oidc) };
    const base = signInLocationFor(`/oauth2/authorize?${canonicalQuery(back)}`);
    const extra = new URLSearchParams();
    if (reauthenticate) extra.set('prompt', 'login');
    if (request.oidc.loginHint !== undefined) extra.set('login_hint', request.oidc.loginHint);
    const location = base && extra.size > 0 ? `${base}${base.includes('?') ? '&' : '?'}${extra.toString()}` : base;
    if (location && location.length <= MAX_LOCATION) return { kind: 'redirect', location };
    return this.error(
      request.redirectUri,
      request.state,
      'invalid_request',
      'The authorization request is too long to carry through sign-in; send a shorter state',
    );
  }

  /** The admin scope is for admins only, whatever the client may ask. */
  private refusedFor(request: AuthorizeRequest, active: ActiveSession): AuthorizeOutcome | undefined {
    if (request.scopes.includes('admin') && active.user.role !== 'admin') {
      return this.error(request.redirectUri, request.state, 'invalid_scope', 'The admin scope can be granted by administrators only');
    }
    return undefined;
  }

  private async issue(request: AuthorizeRequest, active: ActiveSession): Promise<AuthorizeOutcome> {
    const code = await this.codes.issue({
      clientPk: request.client.id,
      userId: active.user.id,
      redirectUri: request.redirectUri,
      redirectUriExplicit: request.redirectUriExplicit,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      nonce: request.oidc.nonce,
      authTime: active.session.createdAt,
      sid: active.session.id,
    });
    return { kind: 'redirect', location: withParams(request.redirectUri, { code, state: request.state, iss: this.config.issuer }) };
  }

  private invalid(
    v: { kind: 'page'; message: string } | { kind: 'error'; redirectUri: string; state: string | undefined; error: AuthorizeErrorCode; description: string },
  ): AuthorizeOutcome {
    if (v.kind === 'page') return { kind: 'page', status: 400, title: 'This sign-in link is not valid', message: v.message };
    return this.error(v.redirectUri, v.state, v.error, v.description);
  }

  private error(redirectUri: string, state: string | undefined, error: AuthorizeErrorCode, description: string): AuthorizeOutcome {
    return { kind: 'redirect', location: withParams(redirectUri, { error, error_description: description, state, iss: this.config.issuer }) };
  }
}

function rawQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? '' : url.slice(i + 1);
}

function badForm(): AuthorizeOutcome {
  return { kind: 'page', status: 400, title: 'This form is not valid', message: 'The form was incomplete or altered; go back and try again.' };
}
