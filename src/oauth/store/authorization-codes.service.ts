import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { randomToken, sha256 } from '../../platform/crypto.js';

/** RFC 9700 / docs/contract.md: an authorization code lives 60 seconds. */
export const CODE_TTL_SECONDS = 60;

export interface IssuedCodeInput {
  clientPk: string;
  userId: string;
  redirectUri: string;
  redirectUriExplicit: boolean;
  scopes: string[];
  codeChallenge: string | undefined;
  /** OpenID Connect: the request's nonce, when the client sent one. */
  nonce?: string;
  /** When the user signed in (the session's start) and the session itself: the ID token's auth_time and sid. */
  authTime?: Date;
  sid?: string;
}

export interface CodeRow {
  clientPk: string;
  userId: string;
  grantId: string;
  redirectUri: string;
  redirectUriExplicit: boolean;
  scopes: string[];
  codeChallenge: string | null;
  nonce: string | null;
  authTime: Date | null;
  sid: string | null;
}

export type ConsumeResult = { kind: 'ok'; code: CodeRow } | { kind: 'reused'; code: CodeRow } | { kind: 'invalid' };

interface RawCode {
  client_pk: string;
  user_id: string;
  grant_id: string;
  redirect_uri: string;
  redirect_uri_explicit: boolean;
  scopes: string[];
  code_challenge: string | null;
  nonce: string | null;
  auth_time: Date | null;
  sid: string | null;
  used_at: Date | null;
}

const toRow = (r: RawCode): CodeRow => ({
  clientPk: r.client_pk,
  userId: r.user_id,
  grantId: r.grant_id,
  redirectUri: r.redirect_uri,
  redirectUriExplicit: r.redirect_uri_explicit,
  scopes: r.scopes,
  codeChallenge: r.code_challenge,
  nonce: r.nonce,
  authTime: r.auth_time,
  sid: r.sid,
});

const COLUMNS = 'client_pk, user_id, grant_id, redirect_uri, redirect_uri_explicit, scopes, code_challenge, nonce, auth_time, sid, used_at';

/**
 * Authorization codes: 256-bit opaque values, stored as SHA-256, 60 s, single use. The grant id the
 * exchange will create is fixed when the code is issued, so a second use can revoke what the first
 * one got.
 */
@Injectable()
export class AuthorizationCodesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async issue(input: IssuedCodeInput): Promise<string> {
    const code = randomToken();
    await this.dataSource.query(
      `INSERT INTO authorization_codes (code_hash, client_pk, user_id, grant_id, redirect_uri, redirect_uri_explicit, scopes, code_challenge, expires_at, nonce, auth_time, sid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9), $10, $11, $12)`,
      [
        sha256(code),
        input.clientPk,
        input.userId,
        randomUUID(),
        input.redirectUri,
        input.redirectUriExplicit,
        input.scopes,
        input.codeChallenge ?? null,
        CODE_TTL_SECONDS,
        input.nonce ?? null,
        input.authTime ?? null,
        input.sid ?? null,
      ],
    );
    if (Math.random() < 0.01) await this.dataSource.query(`DELETE FROM authorization_codes WHERE expires_at < now() - interval '1 day'`);
    return code;
  }

  /**
   * Marks the code used, atomically: of any number of concurrent exchanges exactly one gets `ok`
   * (the row lock makes the others wait, then find used_at set). A code of another client is not
   * consumed (so a stolen code cannot burn the real client's exchange).
   */
  async consume(em: EntityManager, code: string, clientPk: string): Promise<ConsumeResult> {
    const hash = sha256(code);
    const [rows] = await em.query<[RawCode[], number]>(
      `UPDATE authorization_codes SET used_at = now()
        WHERE code_hash = $1 AND client_pk = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING ${COLUMNS}`,
      [hash, clientPk],
    );
    if (rows[0]) return { kind: 'ok', code: toRow(rows[0]) };
    const found = await em.query<RawCode[]>(`SELECT ${COLUMNS} FROM authorization_codes WHERE code_hash = $1`, [hash]);
    const row = found[0];
    if (row && row.client_pk === clientPk && row.used_at !== null) return { kind: 'reused', code: toRow(row) };
    return { kind: 'invalid' };
  }
}
