import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { randomToken, Sealer, sha256 } from '../../platform/crypto.js';
import type { AppConfig } from '../../platform/config/config.js';
import { InjectConfig } from '../../platform/config/config.module.js';
import { HotQuery } from '../../platform/database/hot-query.js';
import { TransactionGate } from '../../platform/database/serial.js';
import { GrantsService } from './grants.service.js';

export interface FamilyInfo {
  grantId: string;
  userId: string;
  clientPk: string;
  scopes: string[];
  /** OpenID Connect: when the user signed in for this grant, and in which session (null for grants from before). */
  authTime: Date | null;
  sid: string | null;
}

export type RotateResult =
  | { kind: 'ok'; family: FamilyInfo; refreshToken: string; replayed: boolean }
  | { kind: 'reuse'; family: FamilyInfo }
  | { kind: 'wider_scope'; family: FamilyInfo; wider: string[] }
  | { kind: 'invalid'; why: string };

/**
 * The whole successful rotation in one statement (one round trip, one implicit transaction): the
 * token is marked used only if every condition of the checked path below holds (unused, its
 * family alive and not expired, the token not idle-expired, the user active with an unchanged
 * password, the client the family's, no scope beyond the family's), and its successor is inserted
 * in the same statement. The UPDATE's row lock makes two concurrent uses of one token take turns:
 * the second finds it used and returns no row. No row, for any reason, means "take the checked
 * path", which answers exactly as before (reuse detection, grace replay, each error's wording).
 */
const ROTATE_FAST = `
WITH cur AS (
  UPDATE refresh_tokens rt SET used_at = now(), successor_sealed = $3
    FROM grants g JOIN users u ON u.id = g.user_id
   WHERE rt.token_hash = $1 AND rt.used_at IS NULL AND g.id = rt.grant_id AND g.client_pk = $2
     AND g.revoked_at IS NULL AND g.expires_at > now() AND rt.expires_at > now()
     AND u.status = 'active' AND u.password_changed_at <= g.created_at
     AND ($6::text[] IS NULL OR $6::text[] <@ g.scopes)
  RETURNING rt.id, rt.grant_id, g.user_id, g.client_pk, g.scopes, g.auth_time, g.sid, g.expires_at AS grant_expires_at
), successor AS (
  INSERT INTO refresh_tokens (token_hash, grant_id, parent_id, expires_at)
  SELECT $4, cur.grant_id, cur.id, LEAST(now() + make_interval(secs => $5), cur.grant_expires_at) FROM cur
  RETURNING grant_id
)
SELECT cur.grant_id, cur.user_id, cur.client_pk, cur.scopes, cur.auth_time, cur.sid FROM cur JOIN successor ON successor.grant_id = cur.grant_id`;

type FamilyRow = Pick<Row, 'grant_id' | 'user_id' | 'client_pk' | 'scopes' | 'auth_time' | 'sid'>;

const familyOf = (r: FamilyRow): FamilyInfo => ({
  grantId: r.grant_id,
  userId: r.user_id,
  clientPk: r.client_pk,
  scopes: r.scopes,
  authTime: r.auth_time,
  sid: r.sid,
});

interface Row {
  id: string;
  grant_id: string;
  expires_at: Date;
  used_at: Date | null;
  successor_sealed: string | null;
  client_pk: string;
  user_id: string;
  scopes: string[];
  auth_time: Date | null;
  sid: string | null;
  grant_expires_at: Date;
  revoked_at: Date | null;
  grant_created_at: Date;
  user_status: string;
  password_changed_at: Date;
}

/**
 * Refresh tokens: 256-bit opaque values stored as SHA-256, in families (one per grant), rotated on
 * every use inside a transaction that locks the token and its grant. A rotated token presented
 * again revokes the family (RFC 9700 4.14.2), except inside REFRESH_REUSE_GRACE_SECONDS, where the
 * retry gets the same successor (kept sealed with MASTER_KEY only while a window is configured, and
 * only until the successor itself is used).
 */
@Injectable()
export class RefreshTokensService {
  private readonly sealer: Sealer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly grants: GrantsService,
    private readonly gate: TransactionGate,
  ) {
    this.sealer = new Sealer(config.masterKey, 'refresh-token-successor');
  }

  /** A new member of a family; idle expiry never past the family's absolute expiry. */
  async mint(em: EntityManager, grantId: string, parentId: string | null): Promise<string> {
    const token = randomToken();
    await em.query(
      `INSERT INTO refresh_tokens (token_hash, grant_id, parent_id, expires_at)
       SELECT $1, g.id, $3, LEAST(now() + make_interval(secs => $4), g.expires_at) FROM grants g WHERE g.id = $2`,
      [sha256(token), grantId, parentId, this.config.refreshTokenIdleTtl],
    );
    // Families past their absolute lifetime (a day ago, so late reuse is still recognised) go, with their tokens.
    // Outside this transaction, and never failing the request.
    if (Math.random() < 0.01) void this.dataSource.query(`DELETE FROM grants WHERE expires_at < now() - interval '1 day'`).catch(() => undefined);
    return token;
  }

  /** Rotates `token`; `requested` scopes are checked against the family's before anything changes. */
  async rotate(token: string, clientPk: string, requested: readonly string[] | undefined): Promise<RotateResult> {
    const fast = await this.rotateFast(token, clientPk, requested);
    if (fast) return fast;
    const result = await this.rotateInTransaction(token, clientPk, requested);
    // The family was revoked inside the transaction: every instance is told now that it committed.
    if (result.kind === 'reuse') await this.grants.announce(result.family.grantId);
    return result;
  }

  private rotateInTransaction(token: string, clientPk: string, requested: readonly string[] | undefined): Promise<RotateResult> {
    return this.gate.run(() =>
      this.dataSource.transaction(async (em) => {
        const rows = await em.query<Row[]>(
          `SELECT rt.id, rt.grant_id, rt.expires_at, rt.used_at, rt.successor_sealed, g.client_pk, g.user_id, g.scopes, g.auth_time, g.sid,
                g.expires_at AS grant_expires_at, g.revoked_at, g.created_at AS grant_created_at,
                u.status AS user_status, u.password_changed_at
           FROM refresh_tokens rt JOIN grants g ON g.id = rt.grant_id JOIN users u ON u.id = g.user_id
          WHERE rt.token_hash = $1 FOR UPDATE OF rt, g`,
          [sha256(token)],
        );
        const row = rows[0];
        if (!row) return { kind: 'invalid', why: 'The refresh token is not valid: it was never issued by this server' };
        if (row.client_pk !== clientPk) return { kind: 'invalid', why: 'The refresh token was issued to another client' };
        const family = familyOf(row);
        if (row.revoked_at) return { kind: 'invalid', why: 'The refresh token was revoked; send the user through the authorization flow again' };
        const wider = (requested ?? []).filter((s) => !row.scopes.includes(s));
        if (row.used_at) {
          const replay = await this.graceReplay(em, row);
          if (replay && wider.length > 0) return { kind: 'wider_scope', family, wider };
          if (replay) return { kind: 'ok', family, refreshToken: replay, replayed: true };
          await this.grants.revoke(row.grant_id, 'refresh_token_reuse', em);
          return { kind: 'reuse', family };
        }
        const now = Date.now();
        if (row.grant_expires_at.getTime() <= now) {
          return { kind: 'invalid', why: `The refresh token expired at ${row.grant_expires_at.toISOString()} (absolute lifetime); sign in again` };
        }
        if (row.expires_at.getTime() <= now) {
          return { kind: 'invalid', why: `The refresh token expired at ${row.expires_at.toISOString()} after being unused too long; sign in again` };
        }
        if (row.user_status !== 'active') return { kind: 'invalid', why: 'The user of this refresh token is disabled' };
        if (row.password_changed_at.getTime() > row.grant_created_at.getTime()) {
          return { kind: 'invalid', why: "The user's password changed after this refresh token was issued; sign in again" };
        }
        if (wider.length > 0) return { kind: 'wider_scope', family, wider };
        const successor = await this.mint(em, row.grant_id, row.id);
        const sealed = this.config.refreshReuseGraceSeconds > 0 ? this.sealer.seal(Buffer.from(successor)) : null;
        await em.query(`UPDATE refresh_tokens SET used_at = now(), successor_sealed = $2 WHERE id = $1`, [row.id, sealed]);
        return { kind: 'ok', family, refreshToken: successor, replayed: false };
      }),
    );
  }

  private hot: HotQuery | undefined;

  /** ROTATE_FAST; undefined when the token cannot be rotated as it is (then the checked path says why). */
  private async rotateFast(token: string, clientPk: string, requested: readonly string[] | undefined): Promise<RotateResult | undefined> {
    this.hot ??= new HotQuery(this.dataSource);
    const successor = randomToken();
    const sealed = this.config.refreshReuseGraceSeconds > 0 ? this.sealer.seal(Buffer.from(successor)) : null;
    const params = [sha256(token), clientPk, sealed, sha256(successor), this.config.refreshTokenIdleTtl, requested ? [...requested] : null];
    const rows = await this.gate.run(() => this.hot!.rows<FamilyRow>('refresh_rotate', ROTATE_FAST, params));
    const row = rows[0];
    if (!row) return undefined;
    // Families past their absolute lifetime go now and then, as mint() does.
    if (Math.random() < 0.01) void this.dataSource.query(`DELETE FROM grants WHERE expires_at < now() - interval '1 day'`).catch(() => undefined);
    return {
      kind: 'ok',
      family: familyOf(row),
      refreshToken: successor,
      replayed: false,
    };
  }

  /** Inside the grace window, and while the successor is unused, the retry gets that same successor. */
  private async graceReplay(em: EntityManager, row: Row): Promise<string | undefined> {
    const grace = this.config.refreshReuseGraceSeconds;
    if (grace === 0 || !row.successor_sealed || !row.used_at || Date.now() - row.used_at.getTime() > grace * 1000) return undefined;
    const successor = await em.query<{ used_at: Date | null }[]>(`SELECT used_at FROM refresh_tokens WHERE parent_id = $1`, [row.id]);
    if (successor.length !== 1 || successor[0].used_at !== null) return undefined;
    try {
      return this.sealer.open(row.successor_sealed).toString();
    } catch {
      return undefined;
    }
  }

  /** The live refresh token's family, for introspection and revocation; undefined when unknown. */
  async find(token: string): Promise<(FamilyInfo & { active: boolean; expiresAt: Date; createdAt: Date }) | undefined> {
    const rows = await this.dataSource.query<(Row & { created_at: Date })[]>(
      `SELECT rt.id, rt.grant_id, rt.expires_at, rt.used_at, rt.created_at, g.client_pk, g.user_id, g.scopes, g.auth_time, g.sid, g.expires_at AS grant_expires_at,
              g.revoked_at, g.created_at AS grant_created_at, u.status AS user_status, u.password_changed_at
         FROM refresh_tokens rt JOIN grants g ON g.id = rt.grant_id JOIN users u ON u.id = g.user_id WHERE rt.token_hash = $1`,
      [sha256(token)],
    );
    const r = rows[0];
    if (!r) return undefined;
    const now = Date.now();
    const active =
      !r.revoked_at &&
      !r.used_at &&
      r.expires_at.getTime() > now &&
      r.grant_expires_at.getTime() > now &&
      r.user_status === 'active' &&
      r.password_changed_at.getTime() <= r.grant_created_at.getTime();
    return { ...familyOf(r), active, expiresAt: r.expires_at, createdAt: r.created_at };
  }
}
