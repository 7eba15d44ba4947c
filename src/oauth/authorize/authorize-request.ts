import { Injectable } from '@nestjs/common';
import { isKnownScope, OIDC_SCOPE, parseScope } from '../../auth/scopes.js';
import type { Client } from '../../clients/client.entity.js';
import { ClientsService } from '../../clients/clients.service.js';
import { LineageStatus } from '../../clients/lineage-status.service.js';
import { FormBody } from '../../platform/http/form.js';
import { S256_CHALLENGE } from '../pkce.js';
import { appendOidcParams, oidcParams, type OidcParams } from './oidc-params.js';
import { loopbackAnyPort, matchRedirectUri } from './redirect-uri.js';

export interface AuthorizeRequest {
  client: Client;
  redirectUri: string;
  /** False when redirect_uri was left out and the only registered one is used (RFC 6749 4.1.1). */
  redirectUriExplicit: boolean;
  scopes: string[];
  /** False when scope was left out and the client's own scopes are asked for. */
  scopeExplicit: boolean;
  state: string | undefined;
  codeChallenge: string | undefined;
  /** OpenID Connect: nonce, prompt, max_age, login_hint. */
  oidc: OidcParams;
}

/** RFC 6749 4.1.2.1 error codes of the authorization endpoint, and OpenID Connect Core 3.1.2.6's. */
export type AuthorizeErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported';

export type Validated =
  /** The client or redirect URI cannot be trusted: show a page, never redirect. */
  | { kind: 'page'; message: string }
  /** Anything else: redirect to the client with the error. */
  | { kind: 'error'; redirectUri: string; state: string | undefined; error: AuthorizeErrorCode; description: string }
  | { kind: 'ok'; request: AuthorizeRequest };

/** The longest state, measured as it travels back in a redirect's query (form-encoded UTF-8). */
const MAX_STATE = 2048;
const encodedLength = (value: string): number => new URLSearchParams({ s: value }).toString().length - 2;
const stateTooLong = (value: string): boolean => value.length > MAX_STATE || encodedLength(value) > MAX_STATE;
const dup = (): Error => new Error('repeated');

/** A request refused: on a page (client or redirect URI untrusted) or back to the client. */
type Refused = Exclude<Validated, { kind: 'ok' }>;
/** Refuses back to the client's redirect URI, with its state. */
type Fail = (error: AuthorizeErrorCode, description: string) => Refused;
const page = (message: string): Refused => ({ kind: 'page', message });

/**
 * Checks an authorization request (the query string of GET /oauth2/authorize) in the order RFC 6749
 * 4.1.2.1 requires: first the client and its redirect URI, whose errors are shown on a page (an
 * attacker must not turn us into an open redirector); then everything else, whose errors go back to
 * the client with `state`.
 */
@Injectable()
export class AuthorizeRequestValidator {
  constructor(
    private readonly clients: ClientsService,
    private readonly lineage: LineageStatus,
  ) {}

  async validate(query: string): Promise<Validated> {
    if (query.length > 16_384) return page('The authorization request is too long.');
    const form = new FormBody(query);
    if (form.hasNul()) return page('The authorization request contains a NUL character.');
    const found = await this.activeClient(form);
    if ('kind' in found) return found;
    const target = redirectTarget(form, found.client);
    if ('kind' in target) return target;
    return checkRedirectable(form, found.client, target);
  }

  /** client_id, once, naming an active client whose lineage is alive; refused on a page otherwise. */
  private async activeClient(form: FormBody): Promise<Refused | { client: Client }> {
    const ids = form.all('client_id');
    if (ids.length > 1) return page('The client_id parameter was sent more than once.');
    const clientId = ids[0];
    if (!clientId) return page('The client_id parameter is missing: the application sent an incomplete request.');
    const client = clientId.length <= 200 ? await this.clients.findByClientId(clientId) : null;
    if (!client || client.status !== 'active' || !(await this.lineage.clientAlive(client.clientId))) {
      return page('This application is not registered with Gatehouse (unknown client_id), so you cannot sign in to it here.');
    }
    return { client };
  }
}

/** Where errors and the code may go: the redirect_uri sent (registered), or the only registered one; refused on a page otherwise. */
function redirectTarget(form: FormBody, client: Client): Refused | { redirectUri: string; explicit: boolean } {
  const uris = form.all('redirect_uri');
  if (uris.length > 1) return page('The redirect_uri parameter was sent more than once.');
  let redirectUri: string | undefined;
  if (uris[0]) {
    redirectUri = matchRedirectUri(uris[0], client.redirectUris, loopbackAnyPort(client));
    if (!redirectUri) return page(`The redirect_uri is not one registered for ${client.name}; Gatehouse will not send you there.`);
  } else if (client.redirectUris.length === 1) {
    redirectUri = client.redirectUris[0];
  } else {
    return page('The redirect_uri parameter is missing, and the application has several registered: it must name one.');
  }

  if (!URL.canParse(redirectUri)) return page(`The redirect URI registered for ${client.name} is not a valid URL; its owner must fix it.`);
  return { redirectUri, explicit: uris[0] !== undefined && uris[0] !== '' };
}

/** The rest of the request, once the redirect URI is trusted: its errors go back to the client with `state`. */
function checkRedirectable(form: FormBody, client: Client, target: { redirectUri: string; explicit: boolean }): Validated {
  const { redirectUri } = target;
  const states = form.all('state');
  const state = states.length === 1 && states[0] !== '' && !stateTooLong(states[0]) ? states[0] : undefined;
  const fail: Fail = (error, description) => ({ kind: 'error', redirectUri, state, error, description });
  if (states.length > 1) return fail('invalid_request', 'The state parameter was sent more than once');
  if (states.length === 1 && stateTooLong(states[0]))
    return fail('invalid_request', `The state parameter is longer than ${MAX_STATE} characters once URL-encoded`);
  const repeated = form.repeatedName();
  if (repeated !== undefined) return fail('invalid_request', `The parameter ${repeated.slice(0, 40)} was sent more than once; send it once`);

  const one = (name: string): string | undefined => form.one(name, dup);
  const responseType = one('response_type');
  if (responseType === undefined) return fail('invalid_request', 'The response_type parameter is missing; use response_type=code');
  if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported (the implicit flow is not offered)');
  if (!client.grantTypes.includes('authorization_code')) return fail('unauthorized_client', 'This client is not allowed the authorization code flow');

  const oidc = oidcParams(one);
  if ('error' in oidc) return fail(oidc.error, oidc.description);
  const pkce = pkceChallenge(one('code_challenge_method'), one('code_challenge'), client, fail);
  if ('kind' in pkce) return pkce;
  const scopeParam = one('scope');
  const granted = requestedScopes(scopeParam, client, fail);
  if ('kind' in granted) return granted;
  return {
    kind: 'ok',
    request: {
      client,
      redirectUri,
      redirectUriExplicit: target.explicit,
      scopes: granted.scopes,
      scopeExplicit: scopeParam !== undefined,
      state,
      codeChallenge: pkce.challenge,
      oidc,
    },
  };
}

/** PKCE (RFC 7636, S256 only): required of public clients; a method without a challenge, or the reverse, is refused. */
function pkceChallenge(method: string | undefined, challenge: string | undefined, client: Client, fail: Fail): Refused | { challenge: string | undefined } {
  if (method !== undefined && method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256 (plain is not accepted)');
  if (challenge !== undefined) {
    if (method === undefined) return fail('invalid_request', 'code_challenge_method=S256 is required with a code_challenge (plain is not accepted)');
    if (!S256_CHALLENGE.test(challenge)) return fail('invalid_request', 'The code_challenge must be the base64url SHA-256 of the verifier: 43 characters');
  } else if (method !== undefined) {
    return fail('invalid_request', 'code_challenge_method was sent without a code_challenge');
  } else if (client.type === 'public') {
    return fail('invalid_request', 'PKCE is required for this client: send code_challenge and code_challenge_method=S256');
  }
  return { challenge };
}

/**
 * The scopes asked for (all of the client's when scope is left out); each must be known and allowed to
 * the client, except openid, which every client of the code flow may ask for (as in Keycloak).
 */
function requestedScopes(scopeParam: string | undefined, client: Client, fail: Fail): Refused | { scopes: string[] } {
  if (scopeParam === undefined) {
    if (client.scopes.length === 0) return fail('invalid_scope', 'This client is allowed no scopes');
    return { scopes: [...client.scopes] };
  }
  const parsed = parseScope(scopeParam);
  if (!parsed) return fail('invalid_scope', 'The scope parameter is malformed: scopes are separated by single spaces');
  const refused = parsed.filter((s) => !isKnownScope(s) || (!client.scopes.includes(s) && s !== OIDC_SCOPE));
  if (refused.length > 0) return fail('invalid_scope', `This client is not allowed the scope ${refused.join(' ').slice(0, 200)}`);
  return { scopes: parsed };
}

/**
 * The authorization request as a query string, with only the parameters Gatehouse understands
 * (RFC 6749 3.1: unknown ones are ignored): what is carried through sign-in and the consent form,
 * so nothing else the link held is echoed back in a header or a page.
 */
export function canonicalQuery(request: AuthorizeRequest): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: request.client.clientId });
  if (request.redirectUriExplicit) q.set('redirect_uri', request.redirectUri);
  if (request.scopeExplicit) q.set('scope', request.scopes.join(' '));
  if (request.state !== undefined) q.set('state', request.state);
  if (request.codeChallenge !== undefined) {
    q.set('code_challenge', request.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  appendOidcParams(q, request.oidc);
  return q.toString();
}
