import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { isUuid, USERS_CHANNEL } from '../users/users.service.js';
import { ALL_CLIENTS, CLIENTS_CHANNEL } from './clients.service.js';
import { GRANTS_CHANNEL } from './lineage.js';

/** The safety net under the change bus, as for clients and grants: how long a fact is trusted without a notification. */
const TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;
/** Lineage is made parent first, so it has no cycles; a chain deeper than this is refused all the same. */
const MAX_DEPTH = 16;

interface UserFacts {
  active: boolean;
  passwordChangedAt: number;
}
interface ClientFacts {
  active: boolean;
  ownerId: string | null;
  parentGrantId: string | null;
  parentClientId: string | null;
}
interface GrantFacts {
  revoked: boolean;
  userId: string;
  clientId: string;
  createdAt: number;
  expiresAt: number;
}

/** What a credential derives from: its owner, the client it belongs to, the consent and the client that made it. */
export interface ChainRef {
  ownerId?: string | null;
  clientId?: string | null;
  parentGrantId?: string | null;
  parentClientId?: string | null;
}

type Kind = 'user' | 'client' | 'grant';
type Missing = { kind: Kind; id: string };
/** Facts loaded by one chainAlive call that raced with an invalidation: used for that answer, never cached. */
type Loaded = Map<string, { value: unknown }>;

class FactCache<T> {
  private readonly entries = new Map<string, { value: T | null; at: number }>();
  constructor(private readonly kind: Kind) {}
  get(id: string, now: number, loaded?: Loaded): { value: T | null } | undefined {
    const hit = this.entries.get(id);
    if (hit && now - hit.at < TTL_MS) return hit;
    return loaded?.get(`${this.kind}:${id}`) as { value: T | null } | undefined;
  }
  set(id: string, value: T | null): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(id, { value, at: Date.now() });
  }
  delete(id: string): void {
    this.entries.delete(id);
  }
  clear(): void {
    this.entries.clear();
  }
}

/**
 * "Never longer": whether a credential's whole lineage is alive. A client is alive when it is
 * active, its owner (if any) is active, and the consent and the client that made it (if any) are
 * alive; a grant (consent) when it is neither revoked nor expired, its user is active and has not
 * changed the password since, and its client is alive. Keys and tokens ask this for what they derive from.
 *
 * The facts (one row per user, client and grant) are cached as client status always was: a few
 * seconds at most, and dropped on every instance the moment the change bus says the row changed, so
 * the hot path answers from memory (`*Now`, synchronous) and a change anywhere is seen within a second.
 */
@Injectable()
export class LineageStatus implements OnModuleInit {
  private readonly users = new FactCache<UserFacts>('user');
  private readonly clients = new FactCache<ClientFacts>('client');
  private readonly grants = new FactCache<GrantFacts>('grant');
  /** Bumped on every invalidation: a look-up that raced with one must not fill the cache. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly bus?: ChangeBus,
  ) {}

  onModuleInit(): void {
    if (!this.bus) return;
    this.bus.subscribe(USERS_CHANNEL, (id) => this.drop(this.users, id));
    this.bus.subscribe(CLIENTS_CHANNEL, (id) => (id === ALL_CLIENTS ? this.dropAll(this.clients) : this.drop(this.clients, id)));
    this.bus.subscribe(GRANTS_CHANNEL, (id) => this.drop(this.grants, id));
    this.bus.onReset(() => {
      this.dropAll(this.users);
      this.dropAll(this.clients);
      this.dropAll(this.grants);
    });
  }

  /**
   * Whether the chain is alive, from memory; undefined when a fact must be loaded first (then call chainAlive).
   * Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what chainAlive() answers; test/sync-async-pairs.e2e-spec.ts holds it to that.
   */
  chainAliveNow(ref: ChainRef): boolean | undefined {
    const answer = this.walk(ref, Date.now());
    return typeof answer === 'boolean' ? answer : undefined;
  }

  /** Whether the chain is alive, loading what is not cached. */
  async chainAlive(ref: ChainRef): Promise<boolean> {
    const known = this.walk(ref, Date.now());
    if (typeof known === 'boolean') return known;
    const loaded: Loaded = new Map();
    for (let i = 0; i < MAX_DEPTH * 3; i++) {
      const answer = this.walk(ref, Date.now(), loaded);
      if (typeof answer === 'boolean') return answer;
      await this.load(answer, loaded);
    }
    return false;
  }

  /** Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what clientAlive() answers; test/sync-async-pairs.e2e-spec.ts holds it to that. */
  clientAliveNow(clientId: string): boolean | undefined {
    return this.chainAliveNow({ clientId });
  }

  clientAlive(clientId: string): Promise<boolean> {
    return this.chainAlive({ clientId });
  }

  /** True or false when every fact on the way is known; otherwise the first one missing. */
  private walk(ref: ChainRef, now: number, loaded?: Loaded, depth = 0): boolean | Missing {
    if (depth > MAX_DEPTH) return false;
    let answer: boolean | Missing = true;
    if (ref.clientId) answer = this.clientWalk(ref.clientId, now, loaded, depth);
    return answer === true ? this.parentsWalk(ref.ownerId, ref.parentGrantId, ref.parentClientId, now, loaded, depth) : answer;
  }

  /** The owner, then the consent and the client something was made through (each optional). */
  private parentsWalk(
    ownerId: string | null | undefined,
    grantId: string | null | undefined,
    clientId: string | null | undefined,
    now: number,
    loaded: Loaded | undefined,
    depth: number,
  ): boolean | Missing {
    let answer: boolean | Missing = true;
    if (ownerId) answer = this.userAlive(ownerId, now, loaded);
    if (answer === true && grantId) answer = this.grantWalk(grantId, now, loaded, depth);
    if (answer === true && clientId) answer = this.clientWalk(clientId, now, loaded, depth);
    return answer;
  }

  private userAlive(id: string, now: number, loaded: Loaded | undefined): boolean | Missing {
    const hit = this.users.get(id, now, loaded);
    if (!hit) return { kind: 'user', id };
    return hit.value !== null && hit.value.active;
  }

  private clientWalk(id: string, now: number, loaded: Loaded | undefined, depth: number): boolean | Missing {
    const hit = this.clients.get(id, now, loaded);
    if (!hit) return { kind: 'client', id };
    const c = hit.value;
    if (c === null || !c.active) return false;
    if (depth >= MAX_DEPTH) return false;
    return this.parentsWalk(c.ownerId, c.parentGrantId, c.parentClientId, now, loaded, depth + 1);
  }

  private grantWalk(id: string, now: number, loaded: Loaded | undefined, depth: number): boolean | Missing {
    const hit = this.grants.get(id, now, loaded);
    if (!hit) return { kind: 'grant', id };
    const g = hit.value;
    if (g === null || g.revoked || g.expiresAt <= now) return false;
    const user = this.users.get(g.userId, now, loaded);
    if (!user) return { kind: 'user', id: g.userId };
    if (user.value === null || !user.value.active || user.value.passwordChangedAt > g.createdAt) return false;
    return this.clientWalk(g.clientId, now, loaded, depth + 1);
  }

  private async load(missing: Missing, loaded: Loaded): Promise<void> {
    const generation = this.generation;
    const facts = await this.read(missing);
    loaded.set(`${missing.kind}:${missing.id}`, { value: facts });
    if (generation !== this.generation) return;
    if (missing.kind === 'user') this.users.set(missing.id, facts as UserFacts | null);
    else if (missing.kind === 'client') this.clients.set(missing.id, facts as ClientFacts | null);
    else this.grants.set(missing.id, facts as GrantFacts | null);
  }

  private async read(missing: Missing): Promise<UserFacts | ClientFacts | GrantFacts | null> {
    if (missing.kind !== 'client' && !isUuid(missing.id)) return null;
    if (missing.kind === 'user') {
      const rows = await this.dataSource.query<{ active: boolean; pca: Date }[]>(
        `SELECT status = 'active' AS active, password_changed_at AS pca FROM users WHERE id = $1`,
        [missing.id],
      );
      return rows[0] ? { active: rows[0].active, passwordChangedAt: rows[0].pca.getTime() } : null;
    }
    if (missing.kind === 'client') {
      const rows = await this.dataSource.query<{ active: boolean; owner_id: string | null; parent_grant_id: string | null; parent_client_id: string | null }[]>(
        `SELECT c.status = 'active' AS active, c.owner_id, c.parent_grant_id, p.client_id AS parent_client_id
           FROM clients c LEFT JOIN clients p ON p.id = c.parent_client_pk WHERE c.client_id = $1`,
        [missing.id],
      );
      const r = rows[0];
      return r ? { active: r.active, ownerId: r.owner_id, parentGrantId: r.parent_grant_id, parentClientId: r.parent_client_id } : null;
    }
    const rows = await this.dataSource.query<{ revoked: boolean; user_id: string; client_id: string; created_at: Date; expires_at: Date }[]>(
      `SELECT g.revoked_at IS NOT NULL AS revoked, g.user_id, c.client_id, g.created_at, g.expires_at
         FROM grants g JOIN clients c ON c.id = g.client_pk WHERE g.id = $1`,
      [missing.id],
    );
    const r = rows[0];
    return r ? { revoked: r.revoked, userId: r.user_id, clientId: r.client_id, createdAt: r.created_at.getTime(), expiresAt: r.expires_at.getTime() } : null;
  }

  private drop<T>(cache: FactCache<T>, id: string): void {
    this.generation++;
    cache.delete(id);
  }

  private dropAll<T>(cache: FactCache<T>): void {
    this.generation++;
    cache.clear();
  }
}
