import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionGate } from '../../platform/database/serial.js';
import { AuditService } from '../../audit/audit.service.js';
import type { Client } from '../../clients/client.entity.js';
import type { AppConfig } from '../../platform/config/config.js';
import { InjectConfig } from '../../platform/config/config.module.js';
import { AccessTokenService } from '../access-token.service.js';
import { IdTokenService } from '../id-token.service.js';
import { repeated } from '../client-auth.service.js';
import { OAuthError } from '../oauth.error.js';
import { verifierMatches } from '../pkce.js';
import { AuthorizationCodesService, type CodeRow } from '../store/authorization-codes.service.js';
import { GrantsService } from '../store/grants.service.js';
import { RefreshTokensService } from '../store/refresh-tokens.service.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant.js';

const BAD_CODE = 'The authorization code is not valid: it is unknown, expired (codes live 60 seconds), already used, or was issued to another client';

/**
 * RFC 6749 4.1.3 with PKCE (RFC 7636): the code is consumed atomically, then checked against the
 * redirect_uri and the code_verifier; the grant it names is created with the first access token
 * (and a refresh token when the client may refresh). A second use revokes that grant (RFC 9700 4.1).
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly codes: AuthorizationCodesService,
    private readonly grants: GrantsService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly tokens: AccessTokenService,
    private readonly idTokens: IdTokenService,
    private readonly audit: AuditService,
    private readonly gate: TransactionGate,
  ) {}

  async handle({ client, form, ip }: GrantContext): Promise<TokenResponse> {
    const c = client.client;
    if (!c.grantTypes.includes('authorization_code')) throw OAuthError.unauthorizedClient('This client is not allowed the authorization_code grant');
    const code = form.one('code', repeated);
    if (code === undefined) throw OAuthError.invalidRequest('The code parameter is missing: send the code the redirect carried');
    const redirectUri = form.one('redirect_uri', repeated);
    const verifier = form.one('code_verifier', repeated);
    if (code.length > 256) throw OAuthError.invalidGrant(BAD_CODE);

    const outcome = await this.redeem(c, code, redirectUri, verifier);
    if (outcome.kind === 'invalid') throw OAuthError.invalidGrant(BAD_CODE);
    if (outcome.kind === 'failed') throw outcome.error;
    if (outcome.kind === 'reused') return this.refuseReuse(c, outcome.code, ip);
    return this.respond(c, outcome.code, outcome.refresh, ip);
  }

  /**
   * In one transaction: consumes the code, checks it, and creates the grant it names (with a refresh
   * token when the client may refresh). A failed check still commits the consumption: a code that met
   * a wrong verifier is burnt.
   */
  private redeem(c: Client, code: string, redirectUri: string | undefined, verifier: string | undefined) {
    return this.gate.run(() =>
      this.dataSource.transaction(async (em) => {
        const consumed = await this.codes.consume(em, code, c.id);
        if (consumed.kind !== 'ok') return consumed;
        const failed = check(consumed.code, redirectUri, verifier);
        if (failed) return { kind: 'failed' as const, error: failed };
        const user = await em.query<{ status: string }[]>(`SELECT status FROM users WHERE id = $1`, [consumed.code.userId]);
        if (user[0]?.status !== 'active') return { kind: 'failed' as const, error: OAuthError.invalidGrant('The user who approved this code is disabled') };
        await em.query(
          `INSERT INTO grants (id, user_id, client_pk, scopes, expires_at, auth_time, sid) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, $7)`,
          [consumed.code.grantId, consumed.code.userId, c.id, consumed.code.scopes, this.config.refreshTokenTtl, consumed.code.authTime, consumed.code.sid],
        );
        const refresh = c.grantTypes.includes('refresh_token') ? await this.refreshTokens.mint(em, consumed.code.grantId, null) : undefined;
        return { kind: 'issued' as const, code: consumed.code, refresh };
      }),
    );
  }

  /** A code used a second time (RFC 9700 4.1): the grant it made is revoked, the attempt audited, and refused. */
  private async refuseReuse(c: Client, row: CodeRow, ip: string): Promise<never> {
    await this.grants.revoke(row.grantId, 'code_reuse');
    void this.audit.record({
      type: 'oauth.code_reuse_detected',
      outcome: 'failure',
      actorUserId: row.userId,
      actorClientId: c.clientId,
      target: row.grantId,
      ip,
    });
    throw OAuthError.invalidGrant(`${BAD_CODE}. This code was used before, so every token issued from it has been revoked`);
  }

  /** The first access token of the new grant (and its ID token when openid was granted), audited, and the token response. */
  private async respond(c: Client, row: CodeRow, refresh: string | undefined, ip: string): Promise<TokenResponse> {
    const issued = this.tokens.issue({ sub: row.userId, clientId: c.clientId, scope: row.scopes, gid: row.grantId, alg: c.accessTokenSignedResponseAlg });
    this.audit.enqueue({
      type: 'oauth.token_issued',
      actorUserId: row.userId,
      actorClientId: c.clientId,
      target: row.grantId,
      ip,
      details: { grant_type: 'authorization_code', scope: row.scopes.join(' '), refresh_token: refresh !== undefined, jti: issued.claims.jti },
    });
    const idToken = row.scopes.includes('openid')
      ? await this.idTokens.issue({
          client: c,
          userId: row.userId,
          scopes: row.scopes,
          authTime: row.authTime,
          sid: row.sid,
          nonce: row.nonce,
          accessToken: issued.token,
        })
      : undefined;
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: row.scopes.join(' '),
      ...(refresh ? { refresh_token: refresh } : {}),
      ...(idToken ? { id_token: idToken } : {}),
    };
  }
}

/** The redirect_uri must repeat the authorization request's; the verifier must match its challenge. */
function check(code: CodeRow, redirectUri: string | undefined, verifier: string | undefined): OAuthError | undefined {
  // RFC 6749 4.1.3: required, and identical, when the authorization request included it.
  if (redirectUri === undefined ? code.redirectUriExplicit : redirectUri !== code.redirectUri) {
    return OAuthError.invalidGrant('The redirect_uri differs from the one in the authorization request (or is missing): send exactly the same value');
  }
  if (code.codeChallenge === null) {
    // RFC 9700 4.8.2: a verifier without a challenge is a PKCE downgrade attempt.
    return verifier === undefined ? undefined : OAuthError.invalidGrant('A code_verifier was sent but the authorization request had no code_challenge');
  }
  if (verifier === undefined) return OAuthError.invalidGrant('The code_verifier is missing: this code was requested with a PKCE code_challenge');
  if (!verifierMatches(verifier, code.codeChallenge)) {
    return OAuthError.invalidGrant('The code_verifier does not match the code_challenge of the authorization request');
  }
  return undefined;
}
