import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeBus } from '../../platform/change-bus/change-bus.service.js';
import { GRANTS_CHANNEL } from '../../clients/lineage.js';
import { USERS_CHANNEL } from '../../users/users.service.js';

/** How long one instance may trust its answer about a grant or the jti denylist (seconds): the safety net under the change bus. */
export const REVOCATION_CACHE_SECONDS = 5;
/** Change-bus channel: payload is the id of a grant that was revoked (named in src/clients/lineage.ts, whose lineage status listens too). */
export { GRANTS_CHANNEL };
/** Change-bus channel: payload is the jti of an access token that was revoked. */
export const REVOKED_JTIS_CHANNEL = 'revoked_jtis';
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
 * whole (small, short-lived) jti denylist reloaded at most that often. A revocation on any instance
 * is announced on the change bus (`announceGrant`, `announceJti`) and every instance drops or adds
 * the entry at once; the TTL only matters when a notification is lost (and the bus resets the cache
 * when its connection comes back).
 */
@Injectable()
export class RevocationList implements OnModuleInit {
  private readonly logger = new Logger(RevocationList.name);
  private readonly grants = new Map<string, { active: boolean; at: number }>();
  private jtis = new Set<string>();
  private jtisLoadedAt = 0;
  private jtiLoad: Promise<void> | undefined;
  /** Jtis denied while a reload ran: the reload's snapshot may predate them. */
  private deniedDuringLoad: Set<string> | undefined;
  /** Bumped on every invalidation: a look-up that raced with one must not fill the cache. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly bus?: ChangeBus,
  ) {}

  onModuleInit(): void {
    if (!this.bus) return;
    this.bus.subscribe(GRANTS_CHANNEL, (gid) => this.invalidateGrant(gid));
    this.bus.subscribe(REVOKED_JTIS_CHANNEL, (jti) => this.denyLocally(jti));
    // A user disabled (or changed) anywhere: their grants' answers change at once.
    this.bus.subscribe(USERS_CHANNEL, () => this.invalidateAllGrants());
    this.bus.onReset(() => {
      this.invalidateAllGrants();
      this.jtisLoadedAt = 0;
    });
  }

  /** False when the grant was revoked, its user disabled, or the password changed after it was made. */
  async isGrantActive(gid: string): Promise<boolean> {
    const hit = this.grants.get(gid);
    if (hit && Date.now() - hit.at < REVOCATION_CACHE_SECONDS * 1000) return hit.active;
    const generation = this.generation;
    const rows = await this.dataSource.query<GrantRow[]>(
      `SELECT g.revoked_at IS NOT NULL AS revoked, u.status = 'active' AS user_active, u.password_changed_at > g.created_at AS password_changed_after
         FROM grants g JOIN users u ON u.id = g.user_id WHERE g.id = $1`,
      [gid],
    );
    const row = rows[0];
    const active = row !== undefined && !row.revoked && row.user_active && !row.password_changed_after;
    if (generation === this.generation) {
      if (this.grants.size >= MAX_GRANTS) this.grants.clear();
      this.grants.set(gid, { active, at: Date.now() });
    }
    return active;
  }

  /**
   * The cached answer of isGrantActive, synchronously; undefined when it must be asked (not cached, or older than the TTL).
   * Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what isGrantActive() answers; test/sync-async-pairs.e2e-spec.ts holds it to that.
   */
  grantActiveNow(gid: string): boolean | undefined {
    const hit = this.grants.get(gid);
    return hit && Date.now() - hit.at < REVOCATION_CACHE_SECONDS * 1000 ? hit.active : undefined;
  }

  /** Forget what is cached about a grant (after revoking it here, or when told another instance did). */
  invalidateGrant(gid: string): void {
    this.generation++;
    this.grants.delete(gid);
  }

  /** Forget every cached grant status (e.g. a user was disabled: all their grants change at once). */
  invalidateAllGrants(): void {
    this.generation++;
    this.grants.clear();
  }

  /** Tells every instance (this one at once) that a grant was revoked. Call after the revocation commits. */
  async announceGrant(gid: string): Promise<void> {
    this.invalidateGrant(gid);
    await this.announce(GRANTS_CHANNEL, gid);
  }

  /** Tells every instance (this one at once) that an access token's jti was revoked. Call after the row is committed. */
  async announceJti(jti: string): Promise<void> {
    this.denyLocally(jti);
    await this.announce(REVOKED_JTIS_CHANNEL, jti);
  }

  async isJtiRevoked(jti: string): Promise<boolean> {
    if (Date.now() - this.jtisLoadedAt >= REVOCATION_CACHE_SECONDS * 1000) await this.reloadJtis();
    return this.jtis.has(jti);
  }

  /**
   * The answer of isJtiRevoked, synchronously, while the denylist is fresh; undefined when it must be reloaded first.
   * Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what isJtiRevoked() answers; test/sync-async-pairs.e2e-spec.ts holds it to that.
   */
  jtiRevokedNow(jti: string): boolean | undefined {
    return Date.now() - this.jtisLoadedAt < REVOCATION_CACHE_SECONDS * 1000 ? this.jtis.has(jti) : undefined;
  }

  /** Record locally a jti revoked here or on another instance (the row is already in revoked_access_tokens). */
  denyLocally(jti: string): void {
    this.jtis.add(jti);
    this.deniedDuringLoad?.add(jti);
  }

  private async announce(channel: string, payload: string): Promise<void> {
    try {
      await this.bus?.publish(channel, payload);
    } catch (err) {
      // Committed already: the other instances see it when their cache entry expires.
      this.logger.warn(`could not announce on ${channel}: ${(err as Error).message}`);
    }
  }

  private reloadJtis(): Promise<void> {
    if (this.jtiLoad) return this.jtiLoad;
    // Jtis denied from now until the snapshot replaces the set: the snapshot may predate them.
    const denied = new Set<string>();
    this.deniedDuringLoad = denied;
    this.jtiLoad = Promise.resolve()
      .then(async () => {
        const rows = await this.dataSource.query<{ jti: string }[]>('SELECT jti FROM revoked_access_tokens WHERE expires_at > now()');
        if (Math.random() < 0.01) await this.dataSource.query('DELETE FROM revoked_access_tokens WHERE expires_at < now()');
        this.jtis = new Set([...rows.map((r) => r.jti), ...denied]);
        this.jtisLoadedAt = Date.now();
      })
      .finally(() => {
        this.jtiLoad = undefined;
        this.deniedDuringLoad = undefined;
      });
    return this.jtiLoad;
  }
}
