import { Injectable } from '@nestjs/common';
import { UsageCounters } from '../platform/counters/usage-counters.js';
import type { Client } from '../clients/client.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import { LineageStatus } from '../clients/lineage-status.service.js';
import type { FormBody } from '../platform/http/form.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { RateLimitService, type Policy } from '../platform/rate-limit/rate-limit.service.js';
import { OAuthError } from './oauth.error.js';

export interface AuthenticatedClient {
  client: Client;
  /** How it authenticated: a public client only names itself. */
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

const BAD_CREDENTIALS =
  'Client authentication failed: check that client_id and client_secret are correct (the secret is shown once, when the client is created or its secret rotated)';
const NO_SECRET =
  'Client authentication failed: send the client_secret (form body or HTTP Basic) with client_id; only public clients may send client_id alone, and check that client_id is correct';
/** HTTP Basic with an empty password (RFC 7617 allows it): a public client naming itself, or a confidential client that forgot its secret. */
const EMPTY_BASIC_SECRET =
  'Client authentication failed: the password (client_secret) in the Authorization: Basic header is empty; only a public client may send its client_id with an empty password, a confidential client sends its client_secret there; check also that client_id is correct';
/** Nothing names the client: say what each kind of client sends (a public client has no secret to send). */
const NO_CLIENT =
  'Client authentication is missing: a public client sends its client_id (form body, no secret); a confidential client sends client_id and client_secret (HTTP Basic or form body)';
const MAX_CREDENTIAL_LENGTH = 512;

export const repeated = (name: string): OAuthError => OAuthError.invalidRequest(`The parameter '${name}' was sent more than once; send it once`);

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 2.3):
 * `client_secret_basic` (both parts form-url-decoded, so a secret may hold ':'), `client_secret_post`,
 * or `none` for public clients: `client_id` alone in the body, or HTTP Basic with an empty password
 * (RFC 7617; what simple-oauth2 sends). Never tells whether a client_id exists when the secret is wrong.
 */
@Injectable()
export class ClientAuthService {
  private readonly perClient: Policy;
  private readonly perAddress: Policy;

  constructor(
    private readonly clients: ClientsService,
    private readonly limits: RateLimitService,
    private readonly lineage: LineageStatus,
    private readonly counters: UsageCounters,
    @InjectConfig() config: AppConfig,
  ) {
    const { clientAuthFailures, addressAuthFailures, failureWindowSeconds } = config.rateLimits;
    this.perClient = { name: 'client-auth-failures', limit: clientAuthFailures, windowSeconds: failureWindowSeconds };
    this.perAddress = { name: 'address-auth-failures', limit: addressAuthFailures, windowSeconds: failureWindowSeconds };
  }

  /**
   * Authenticates the client, refusing with 429 a client id (from this address) or an address that
   * failed too often lately. The block ends with the window: a burst of bad secrets from an attacker
   * never locks the real client out for good, and never from another address.
   */
  async authenticate(authorization: string | undefined, form: FormBody, ip: string): Promise<AuthenticatedClient> {
    const claimed = claimedClientId(authorization, form);
    const pair = `${claimed}|${ip}`;
    await this.limits.assertUnder(this.perAddress, ip, 'Too many failed client authentications from your address');
    await this.limits.assertUnder(this.perClient, pair, 'Too many failed authentications for this client_id from your address');
    let authenticated: AuthenticatedClient;
    try {
      authenticated = await this.check(authorization, form);
    } catch (err) {
      if (err instanceof OAuthError && err.code === 'invalid_client') {
        this.counters.count('client_auth_failed');
        await Promise.all([this.limits.record(this.perAddress, ip), this.limits.record(this.perClient, pair)]);
      }
      throw err;
    }
    // Never longer: a client whose owner is disabled, or made through a consent or an app that was
    // withdrawn, revoked, disabled or deleted, gets no token (said only to a client that authenticated).
    if (!(await this.lineage.clientAlive(authenticated.client.clientId))) {
      throw OAuthError.invalidClient(
        'This client may not get tokens: its owner is disabled, or the app or authorization it was created through was disabled, deleted or withdrawn',
        authenticated.method === 'client_secret_basic',
      );
    }
    return authenticated;
  }

  private async check(authorization: string | undefined, form: FormBody): Promise<AuthenticatedClient> {
    const bodyId = form.one('client_id', repeated);
    const bodySecret = form.one('client_secret', repeated);
    const basic = authorization !== undefined && /^basic(\s|$)/i.test(authorization.trimStart());

    if (authorization !== undefined && !basic && authorization.trim() !== '') {
      throw OAuthError.invalidClient('Client authentication must use HTTP Basic (client_secret_basic) or client_id and client_secret in the form body', false);
    }
    if (basic) {
      if (bodySecret !== undefined) {
        throw OAuthError.invalidRequest('Send the client credentials once: either the Authorization: Basic header or client_secret in the body, not both');
      }
      const { id, secret } = decodeBasic(authorization);
      if (bodyId !== undefined && bodyId !== id) throw OAuthError.invalidRequest('client_id in the body differs from the one in the Authorization header');
      // RFC 7617 allows an empty password: a public client (simple-oauth2 sends `client_id:`) names itself.
      if (secret === '') return this.publicClient(id, EMPTY_BASIC_SECRET, true);
      return this.withSecret(id, secret, 'client_secret_basic');
    }
    if (bodyId === undefined) throw OAuthError.invalidClient(NO_CLIENT, false);
    if (bodySecret !== undefined) return this.withSecret(bodyId, bodySecret, 'client_secret_post');
    return this.publicClient(bodyId, NO_SECRET, false);
  }

  /**
   * A client that sent no secret: only an active public client is accepted. Unknown, disabled, or
   * confidential: one answer, so that the lack of a secret does not tell which client ids exist
   * (docs/contract.md: never say whether a client id exists).
   */
  private async publicClient(id: string, refusal: string, usedBasic: boolean): Promise<AuthenticatedClient> {
    const entry = id.length <= MAX_CREDENTIAL_LENGTH ? await this.clients.authLookup(id) : null;
    if (!entry || entry.client.status !== 'active' || entry.client.type !== 'public') throw OAuthError.invalidClient(refusal, usedBasic);
    return { client: entry.client, method: 'none' };
  }

  private async withSecret(id: string, secret: string, method: AuthenticatedClient['method']): Promise<AuthenticatedClient> {
    const usedBasic = method === 'client_secret_basic';
    if (id.length > MAX_CREDENTIAL_LENGTH || secret.length > MAX_CREDENTIAL_LENGTH) throw OAuthError.invalidClient(BAD_CREDENTIALS, usedBasic);
    const entry = await this.clients.authLookup(id);
    // Unknown client, public client with a secret, disabled client or wrong secret: one answer.
    if (!entry || entry.client.status !== 'active' || entry.client.type !== 'confidential' || !this.clients.secretMatches(entry, secret)) {
      throw OAuthError.invalidClient(BAD_CREDENTIALS, usedBasic);
    }
    return { client: entry.client, method };
  }
}

/** The client id a request claims (for throttling), whether or not it authenticates. */
function claimedClientId(authorization: string | undefined, form: FormBody): string {
  try {
    if (authorization && /^basic\s/i.test(authorization.trimStart())) return decodeBasic(authorization).id.slice(0, MAX_CREDENTIAL_LENGTH);
    return (form.all('client_id')[0] ?? '').slice(0, MAX_CREDENTIAL_LENGTH);
  } catch {
    return '';
  }
}

/** RFC 6749 2.3.1 / RFC 7617: base64(urlencode(id) ':' urlencode(secret)); the secret may be empty (a public client). */
function decodeBasic(header: string): { id: string; secret: string } {
  const bad = (why = ''): OAuthError =>
    OAuthError.invalidClient(
      `The Authorization: Basic header is malformed${why}: it must be base64 of form-url-encoded client_id, a colon, and client_secret (empty for a public client)`,
      true,
    );
  const value = header.trim().slice(5).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) throw bad();
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw bad(' (no colon)');
  if (colon === 0) throw bad(' (the client_id before the colon is empty)');
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw bad();
  }
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}
