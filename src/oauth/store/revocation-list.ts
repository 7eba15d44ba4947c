import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How long one instance may trust its answer about a grant or the jti denylist (seconds). */
export const REVOCATION_CACHE_SECONDS = 5;
const MAX_GRANTS = 50_000;

interface GrantRow {
  revoked: boolean;
  user_active: boolean;
  password_changed_after: boolean;
}

/**
 * What the Bearer path asks on every request with a user token: is its grant (refresh-token
 * family) still alive, and was its jti revoked? Both answers are cached for
 * REVOCATION_CACHE_SECONDS so a request is not a database hit: a grant's status per gid, and the
 * whole (small, short-lived) jti denylist reloaded at most that often. A revocation on this
 * instance takes effect here at once (`invalidateGrant`, `denyLocally`); on the other instances
 * within REVOCATION_CACHE_SECONDS, or at once when the change bus (issue 4) calls those methods.
 */
@Injectable()
export class RevocationList {
  private readonly grants = new Map<string, { active: boolean; at: number }>();
  private jtis = new Set<string>();
  private jtisLoadedAt = 0;
  private jtiLoad: Promise<void> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** False when the grant was revoked, its user disabled, or the password changed after it was made. */
  async isGrantActive(gid: string): Promise<boolean> {
    const hit = this.grants.get(gid);
    if (hit && Date.now() - hit.at < REVOCATION_CACHE_SECONDS * 1000) return hit.active;
    const rows = await this.dataSource.query<GrantRow[]>(
      `SELECT g.revoked_at IS NOT NULL AS revoked, u.status = 'active' AS user_active, u.password_changed_at > g.created_at AS password_changed_after
         FROM grants g JOIN users u ON u.id = g.user_id WHERE g.id = $1`,
      [gid],
    );
    const row = rows[0];
    const active = row !== undefined && !row.revoked && row.user_active && !row.password_changed_after;
    if (this.grants.size >= MAX_GRANTS) this.grants.clear();
    this.grants.set(gid, { active, at: Date.now() });
    return active;
  }

  /** Forget what is cached about a grant (after revoking it here, or when told another instance did). */
  invalidateGrant(gid: string): void {
    this.grants.delete(gid);
  }

  /** Forget every cached grant status (e.g. a user was disabled: all their grants change at once). */
  invalidateAllGrants(): void {
    this.grants.clear();
  }

  async isJtiRevoked(jti: string): Promise<boolean> {
    if (Date.now() - this.jtisLoadedAt >= REVOCATION_CACHE_SECONDS * 1000) await this.reloadJtis();
    return this.jtis.has(jti);
  }

  /** Record locally a jti revoked on this instance (the row is already in revoked_access_tokens). */
  denyLocally(jti: string): void {
    this.jtis.add(jti);
  }

  private reloadJtis(): Promise<void> {
    this.jtiLoad ??= this.dataSource
      .query<{ jti: string }[]>('SELECT jti FROM revoked_access_tokens WHERE expires_at > now()')
      .then(async (rows) => {
        if (Math.random() < 0.01) await this.dataSource.query('DELETE FROM revoked_access_tokens WHERE expires_at < now()');
        this.jtis = new Set(rows.map((r) => r.jti));
        this.jtisLoadedAt = Date.now();
      })
      .finally(() => {
        this.jtiLoad = undefined;
      });
    return this.jtiLoad;
  }
}
