import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { CLIENTS_CHANNEL, ClientsService } from '../clients/clients.service.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { USERS_CHANNEL, UsersService } from '../users/users.service.js';

/** What GET /v1/users may show a caller: everyone, or one user's own record (none: `userId` null). */
export type DirectoryScope = { readonly all: true } | { readonly all: false; readonly userId: string | null };

const EVERYONE: DirectoryScope = Object.freeze({ all: true });
const NOBODY: DirectoryScope = Object.freeze({ all: false, userId: null });
/** The safety net under the change bus, as for clients. */
const CACHE_TTL_MS = 5_000;

/**
 * Who may see whom in the user directory (`GET /v1/users`, `/v1/users/{id}`, scope `users:read`):
 * - a token issued to a user (authorization code flow): an admin user sees everyone; anyone else
 *   their own record only, whatever the client (an app acting for a user never sees more than the user);
 * - a client acting for itself (client credentials): everyone when an admin allowed the client the
 *   whole directory (`directory_access`), when its owner is an admin (the guide's demo client), or
 *   when it has no owner (only operators make those, with the command line); otherwise its owner's
 *   own record. A disabled or unknown client, or a disabled owner, sees nobody.
 * Answers are cached per user or client for a few seconds and dropped on every instance when a user
 * (role, status) or a client (flag, status) changes, over the change bus, so the hot read stays
 * one cached look-up.
 */
@Injectable()
export class DirectoryService implements OnModuleInit {
  private readonly cache = new Map<string, { scope: DirectoryScope; at: number }>();
  /** Bumped on every invalidation: a look-up that raced with one must not fill the cache. */
  private generation = 0;

  constructor(
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    @Optional() private readonly bus?: ChangeBus,
  ) {}

  onModuleInit(): void {
    // Rare changes: forgetting everything is simpler than tracking which answers named whom.
    this.bus?.subscribe(USERS_CHANNEL, () => this.clear());
    this.bus?.subscribe(CLIENTS_CHANNEL, () => this.clear());
    this.bus?.onReset(() => this.clear());
  }

  /**
   * The cached answer, synchronously; undefined when it must be looked up.
   * Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what scopeOf() answers; test/sync-async-pairs.e2e-spec.ts holds it to that.
   */
  scopeNow(principal: Principal | undefined): DirectoryScope | undefined {
    const key = principal && keyOf(principal);
    const hit = key === undefined ? undefined : this.cache.get(key);
    return hit && Date.now() - hit.at < CACHE_TTL_MS ? hit.scope : undefined;
  }

  async scopeOf(principal: Principal | undefined): Promise<DirectoryScope> {
    const key = principal && keyOf(principal);
    if (!principal || key === undefined) return NOBODY;
    const cached = this.scopeNow(principal);
    if (cached) return cached;
    const generation = this.generation;
    const scope = principal.kind === 'user' ? await this.forUser(principal.userId) : await this.forClient(principal.clientId);
    if (generation === this.generation) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { scope, at: Date.now() });
    }
    return scope;
  }

  clear(): void {
    this.generation++;
    this.cache.clear();
  }

  private async forUser(userId: string | undefined): Promise<DirectoryScope> {
    const user = userId ? await this.users.find(userId) : null;
    if (!user || user.status !== 'active') return NOBODY;
    return user.role === 'admin' ? EVERYONE : { all: false, userId: user.id };
  }

  private async forClient(clientId: string | undefined): Promise<DirectoryScope> {
    const client = clientId ? await this.clients.findByClientId(clientId) : null;
    if (!client || client.status !== 'active') return NOBODY;
    if (client.directoryAccess || client.ownerId === null) return EVERYONE;
    return this.forUser(client.ownerId);
  }
}

function keyOf(p: Principal): string | undefined {
  if (p.kind === 'user') return p.userId === undefined ? undefined : `u:${p.userId}`;
  if (p.kind === 'client') return p.clientId === undefined ? undefined : `c:${p.clientId}`;
  return undefined;
}
