import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUTH_MEMO_WINDOW_MS, AuthMemo } from '../auth/auth-memo.js';
import type { Principal } from '../auth/principal.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { digestsEqual } from '../platform/crypto.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { ALL_CLIENTS, CLIENTS_CHANNEL } from '../clients/clients.service.js';
import { LineageStatus, type ChainRef } from '../clients/lineage-status.service.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { USERS_CHANNEL } from '../users/users.service.js';
import { parseApiKey } from './api-key-format.js';
import { ApiKeyUsageService } from './api-key-usage.service.js';

/** Channel on the change bus: payload is the id of a key that was revoked, rotated or changed. */
export const API_KEYS_CHANNEL = 'api_keys';
const MAX_ENTRIES = 10_000;
/** With the embedded database the command line can write without telling the server: a short TTL. */
const EMBEDDED_MAX_TTL_S = 5;

interface Cached {
  principal: Principal;
  /** What the key derives from: checked on every use, from LineageStatus's memory. */
  chain: ChainRef;
  hash: Buffer;
  expiresAt: number | undefined;
  at: number;
}

interface KeyRow {
  id: string;
  owner_id: string;
  key_hash: Buffer;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  rotated_at: Date | null;
  owner_status: string;
  client_id: string | null;
  client_status: string | null;
  parent_grant_id: string | null;
  parent_client_id: string | null;
}

export const API_KEY_ERRORS = {
  malformed:
    'The API key is malformed: it must read gth_live_ (or gth_test_), 40 letters and digits, _, and a 6-character checksum, exactly as shown at creation',
  checksum: 'The API key is malformed or mistyped (its checksum does not match)',
  unknown: 'The API key is not known to this server: check that the whole key was copied, or create a new one',
  stopped:
    'The API key no longer works: the app or authorization it was created through was withdrawn, revoked, disabled or deleted, or its client or owner is disabled',
} as const;

/**
 * The hot path: a presented key to a Principal. Shape and checksum are checked first (no database);
 * then a verified key is served from memory, keyed by its SHA-256, until the change bus says it was
 * revoked or rotated (on any instance) or its TTL passes. Unknown, revoked and expired keys each get
 * their own description; none is cached.
 */
@Injectable()
export class ApiKeyVerifier implements OnModuleInit {
  private readonly cache = new Map<string, Cached>();
  private readonly byKeyId = new Map<string, string>();
  private readonly ttlMs: number;
  /** A key's whole answer, by the key as presented, for up to a second while nothing changes anywhere (see AuthMemo). */
  private readonly memo: AuthMemo<Cached>;
  /** Bumped on every invalidation: a look-up that raced with one must not fill the cache. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() config: AppConfig,
    private readonly bus: ChangeBus,
    private readonly usage: ApiKeyUsageService,
    private readonly lineage: LineageStatus,
  ) {
    const ttl = bus.inProcessOnly ? Math.min(config.apiKeyCacheTtl, EMBEDDED_MAX_TTL_S) : config.apiKeyCacheTtl;
    this.ttlMs = ttl * 1000;
    this.memo = new AuthMemo(bus, Math.min(AUTH_MEMO_WINDOW_MS, this.ttlMs));
  }

  onModuleInit(): void {
    this.bus.subscribe(API_KEYS_CHANNEL, (keyId) => this.invalidate(keyId));
    this.bus.subscribe(USERS_CHANNEL, (userId) => this.invalidateOwner(userId));
    // A key bound to a client stops with it: the client disabled, deleted or changed, on any instance.
    this.bus.subscribe(CLIENTS_CHANNEL, (clientId) => this.invalidateClient(clientId));
    this.bus.onReset(() => this.clear());
  }

  async verify(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    if (!parsed.ok) throw ResourceAuthError.invalidToken(API_KEY_ERRORS[parsed.reason], 'ApiKey');
    const now = Date.now();
    const epoch = this.memo.epoch;
    const cacheKey = parsed.hash.toString('base64');
    const hit = this.cached(cacheKey, parsed.hash, now);
    if (hit) return this.memorize(key, hit, epoch, now);
    const generation = this.generation;
    const row = await this.load(parsed.lookupId);
    if (!row || !digestsEqual(row.key_hash, parsed.hash)) throw ResourceAuthError.invalidToken(API_KEY_ERRORS.unknown, 'ApiKey');
    refuseUnusable(row, now);
    const chain = chainOf(row);
    if (!(await this.lineage.chainAlive(chain))) throw ResourceAuthError.invalidToken(API_KEY_ERRORS.stopped, 'ApiKey');
    const principal: Principal = {
      kind: 'api_key',
      subject: row.owner_id,
      userId: row.owner_id,
      clientId: row.client_id ?? undefined,
      apiKeyId: row.id,
      scopes: new Set(row.scopes),
      scheme: 'apiKey',
    };
    if (this.ttlMs > 0 && this.bus.live && generation === this.generation) {
      this.remember(cacheKey, row, principal, chain, now);
      this.memo.remember(key, this.cache.get(cacheKey)!, epoch, now, row.expires_at?.getTime());
    }
    this.usage.touch(row.id, now);
    return principal;
  }

  /**
   * The hot path, synchronous: the Principal of a well-formed key verified before and still served from
   * the cache (its use recorded, as verify() does); undefined for anything else (then call verify(),
   * which says what is wrong or looks the key up).
   * Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what verify() answers; test/sync-async-pairs.e2e-spec.ts holds it to that.
   */
  verifyNow(key: string): Principal | undefined {
    const now = Date.now();
    const known = this.memo.get(key, now);
    if (known) {
      this.usage.touch(known.principal.apiKeyId!, now);
      return known.principal;
    }
    const epoch = this.memo.epoch;
    const parsed = parseApiKey(key);
    const hit = parsed.ok ? this.cached(parsed.hash.toString('base64'), parsed.hash, now) : undefined;
    return hit && this.memorize(key, hit, epoch, now);
  }

  private memorize(key: string, hit: Cached, epoch: number, now: number): Principal {
    this.memo.remember(key, hit, epoch, now, hit.expiresAt);
    return hit.principal;
  }

  /** The cache entry of a verified key, its lineage alive (from memory) and its use recorded; undefined when it must be looked up. */
  private cached(cacheKey: string, hash: Buffer, now: number): Cached | undefined {
    const hit = this.cache.get(cacheKey);
    if (!hit || !this.bus.live || now - hit.at >= this.ttlMs || (hit.expiresAt !== undefined && hit.expiresAt <= now) || !digestsEqual(hit.hash, hash)) {
      return undefined;
    }
    // Never longer: the lineage, from memory (undefined: a fact must be loaded, verify() does it).
    const alive = this.lineage.chainAliveNow(hit.chain);
    if (alive === undefined) return undefined;
    if (!alive) throw ResourceAuthError.invalidToken(API_KEY_ERRORS.stopped, 'ApiKey');
    this.usage.touch(hit.principal.apiKeyId!, now);
    return hit;
  }

  /** Drops a key from this instance's cache (the change bus calls this on every instance). */
  invalidate(keyId: string): void {
    this.generation++;
    const cacheKey = this.byKeyId.get(keyId);
    if (cacheKey === undefined) return;
    this.byKeyId.delete(keyId);
    this.cache.delete(cacheKey);
  }

  /** Drops every cached key of a user (disabled, or changed otherwise). */
  invalidateOwner(userId: string): void {
    this.generation++;
    for (const entry of [...this.cache.values()]) if (entry.principal.userId === userId) this.invalidate(entry.principal.apiKeyId!);
  }

  /** Drops every cached key bound to a client (or to any client, for ALL_CLIENTS). */
  invalidateClient(clientId: string): void {
    this.generation++;
    for (const entry of [...this.cache.values()]) {
      const bound = entry.principal.clientId;
      if (bound !== undefined && (clientId === ALL_CLIENTS || bound === clientId)) this.invalidate(entry.principal.apiKeyId!);
    }
  }

  clear(): void {
    this.generation++;
    this.cache.clear();
    this.byKeyId.clear();
    this.memo.clear();
  }

  private remember(cacheKey: string, row: KeyRow, principal: Principal, chain: ChainRef, now: number): void {
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        const victim = this.cache.get(oldest);
        this.cache.delete(oldest);
        if (victim) this.byKeyId.delete(victim.principal.apiKeyId!);
      }
    }
    this.cache.set(cacheKey, { principal, chain, hash: row.key_hash, expiresAt: row.expires_at?.getTime(), at: now });
    this.byKeyId.set(row.id, cacheKey);
  }

  private async load(lookupId: string): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await this.dataSource.query(
      `SELECT k.id, k.owner_id, k.key_hash, k.scopes, k.expires_at, k.revoked_at, k.rotated_at,
              u.status AS owner_status, c.client_id, c.status AS client_status, k.parent_grant_id, p.client_id AS parent_client_id
         FROM api_keys k JOIN users u ON u.id = k.owner_id LEFT JOIN clients c ON c.id = k.client_pk
         LEFT JOIN clients p ON p.id = k.parent_client_pk
        WHERE k.lookup_id = $1`,
      [lookupId],
    );
    return rows[0];
  }
}

function chainOf(row: KeyRow): ChainRef {
  return { ownerId: row.owner_id, clientId: row.client_id, parentGrantId: row.parent_grant_id, parentClientId: row.parent_client_id };
}

function refuseUnusable(row: KeyRow, now: number): void {
  const fail = (why: string): never => {
    throw ResourceAuthError.invalidToken(why, 'ApiKey');
  };
  if (row.revoked_at) fail(`The API key was revoked at ${row.revoked_at.toISOString()}; ask its owner for a new key`);
  if (row.expires_at && row.expires_at.getTime() <= now) {
    if (row.rotated_at) fail(`The API key was rotated and its grace period ended at ${row.expires_at.toISOString()}; use the key that replaced it`);
    fail(`The API key expired at ${row.expires_at.toISOString()}; create a new key (or rotate it before it expires)`);
  }
  if (row.owner_status !== 'active') fail("The API key's owner account is disabled; the key cannot be used");
  if (row.client_status !== null && row.client_status !== 'active') fail('The client this API key belongs to is disabled; the key cannot be used');
}
