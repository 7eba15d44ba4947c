import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '../../clients/client.entity.js';
import { ClientsService } from '../../clients/clients.service.js';
import type { SafeHtml } from '../../platform/html/html.js';
import { FORM_EXPIRED } from '../../platform/html/page.js';
import { FormBody } from '../../platform/http/form.js';
import { SessionsService } from '../../sessions/sessions.service.js';
import { IdTokenService } from '../id-token.service.js';
import { withParams } from '../authorize/redirect-uri.js';
import { confirmLogoutPage, signedOutPage } from './end-session.page.js';

export type EndSessionOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; status: number; title: string; message: string }
  | { kind: 'html'; status: number; title: string; body: SafeHtml };

/** A logout request once checked: where to go back to (a registered URI of the client), with its state. */
interface LogoutRequest {
  client: Client | undefined;
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
  hint: { sub: string; aud: string; sid?: string } | undefined;
}

const MAX_STATE = 2048;
const bad = (message: string): EndSessionOutcome => ({ kind: 'page', status: 400, title: 'This sign-out link is not valid', message });

/**
 * OpenID Connect RP-Initiated Logout 1.0 (GET and POST /oauth2/logout). It ends the Gatehouse
 * (portal) session. Without an id_token_hint naming the current session, the user is asked first (a
 * form with the session's CSRF token), as node-oidc-provider and Keycloak do, so that another site
 * cannot sign users out with a link. post_logout_redirect_uri must be one the client registered,
 * exactly; the client is the hint's audience or client_id.
 */
@Injectable()
export class EndSessionService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly clients: ClientsService,
    private readonly idTokens: IdTokenService,
    private readonly audit: AuditService,
  ) {}

  /** The logout request of a relying party (query of a GET, or form of a POST without our confirmation fields). */
  async request(req: FastifyRequest, reply: FastifyReply, form: FormBody): Promise<EndSessionOutcome> {
    const checked = await this.check(form, true);
    if ('kind' in checked) return checked;
    const active = await this.sessions.current(req);
    if (!active) return this.finish(checked, false);
    const { hint } = checked;
    if (hint?.sid !== undefined && hint.sid === active.session.id && hint.sub === active.user.id) {
      await this.signOut(req, reply, active.user.id, checked);
      return this.finish(checked, true);
    }
    const csrf = this.sessions.csrfToken(req, reply, active);
    const body = confirmLogoutPage({
      csrf,
      email: active.user.email,
      clientName: checked.client?.name,
      clientId: checked.client?.clientId,
      postLogoutRedirectUri: checked.postLogoutRedirectUri,
      state: checked.state,
    });
    return { kind: 'html', status: 200, title: 'Sign out?', body };
  }

  /** The confirmation form's answer (decision yes or no), with the session's CSRF token. */
  async confirm(req: FastifyRequest, reply: FastifyReply, form: FormBody): Promise<EndSessionOutcome> {
    const checked = await this.check(form, false);
    if ('kind' in checked) return checked;
    const decision = form.all('decision');
    if (decision.length !== 1 || (decision[0] !== 'yes' && decision[0] !== 'no')) return bad('The form was incomplete or altered; go back and try again.');
    const active = await this.sessions.current(req);
    if (!active) return this.finish(checked, false);
    const csrf = form.all('csrf');
    if (csrf.length !== 1 || !this.sessions.csrfValid(req, csrf[0], active, false)) {
      return {
        kind: 'page',
        status: 403,
        title: 'This form has expired',
        message: FORM_EXPIRED,
      };
    }
    if (decision[0] === 'yes') await this.signOut(req, reply, active.user.id, checked);
    return this.finish(checked, decision[0] === 'yes');
  }

  /** The parameters, each at most once; the hint verified (expiry tolerated); the return URI registered by the client. */
  private async check(form: FormBody, allowHint: boolean): Promise<LogoutRequest | EndSessionOutcome> {
    if (form.hasNul()) return bad('The request contains a NUL character.');
    const repeated = form.repeatedName();
    if (repeated !== undefined) return bad(`The parameter ${repeated.slice(0, 40)} was sent more than once.`);
    const one = (name: string): string | undefined => form.all(name)[0] || undefined;
    const hintParam = allowHint ? one('id_token_hint') : undefined;
    const hint = hintParam === undefined ? undefined : await this.idTokens.verifyHint(hintParam);
    if (hintParam !== undefined && !hint) return bad('The id_token_hint is not an ID token issued by Gatehouse.');
    const clientIdParam = one('client_id');
    if (hint && clientIdParam !== undefined && clientIdParam !== hint.aud) return bad('The client_id is not the audience of the id_token_hint.');
    const clientId = hint?.aud ?? clientIdParam;
    const client = clientId !== undefined && clientId.length <= 200 ? ((await this.clients.findByClientId(clientId)) ?? undefined) : undefined;
    if (clientId !== undefined && (!client || client.status !== 'active')) return bad('This application is not registered with Gatehouse (unknown client_id).');
    const uri = one('post_logout_redirect_uri');
    if (uri !== undefined) {
      if (!client) return bad('A post_logout_redirect_uri needs the client: send id_token_hint or client_id.');
      if (!client.postLogoutRedirectUris.includes(uri) || !URL.canParse(uri)) {
        return bad(`The post_logout_redirect_uri is not one registered for ${client.name}; Gatehouse will not send you there.`);
      }
    }
    const state = one('state');
    if (state !== undefined && state.length > MAX_STATE) return bad(`The state is longer than ${MAX_STATE} characters.`);
    return { client, postLogoutRedirectUri: uri, state, hint };
  }

  /** Ends the Gatehouse session and records it (auth.sign_out, via rp_logout, with the client when known). */
  private async signOut(req: FastifyRequest, reply: FastifyReply, userId: string, request: LogoutRequest): Promise<void> {
    await this.sessions.end(req, reply);
    const details = { via: 'rp_logout', client_id: request.client?.clientId ?? null };
    void this.audit.record({ type: 'auth.sign_out', actorUserId: userId, target: userId, ip: req.ip, details });
  }

  /** Back to the client (with state) when it named where, or a page saying what happened. */
  private finish(request: LogoutRequest, signedOut: boolean): EndSessionOutcome {
    if (request.postLogoutRedirectUri !== undefined) {
      return { kind: 'redirect', location: withParams(request.postLogoutRedirectUri, { state: request.state }) };
    }
    return { kind: 'html', status: 200, title: signedOut ? 'Signed out' : 'Sign out', body: signedOutPage(signedOut, request.client?.name) };
  }
}
