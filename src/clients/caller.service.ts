import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ProblemError } from '../platform/http/problem.js';
import type { UserRole } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { ClientsService } from './clients.service.js';
import { lineageOf, type Lineage } from './lineage.js';

export interface ActingUser {
  userId: string;
  role: UserRole;
  /** Where the request came from, for the audit trail. */
  ip?: string;
  /** The credential the request came with; absent for the portal's own pages (the session: the user's full rights). */
  principal?: Principal;
}

/**
 * The user a management request acts for ("the caller"), per kind of credential:
 * - a token from the authorization code flow (or the portal session): the token's user;
 * - a client-credentials token: the user who owns that client (a client with no owner acts for
 *   nobody here: 403);
 * - an API key: its owner (Data API only);
 * and nobody when that user is disabled or gone. The user directory (GET /v1/users) applies the same
 * rule, plus what an admin allowed a client for itself: see DirectoryService (src/directory/directory.service.ts).
 */
@Injectable()
export class CallerService {
  constructor(
    private readonly users: UsersService,
    private readonly clients: ClientsService,
  ) {}

  async of(principal: Principal | undefined): Promise<ActingUser> {
    if (!principal) throw ProblemError.forbidden('This request is not authenticated');
    let userId = principal.userId;
    if (!userId && principal.clientId) {
      const client = await this.clients.findByClientId(principal.clientId);
      userId = client?.ownerId ?? undefined;
      if (!userId) {
        throw ProblemError.forbidden('This token belongs to a client with no owner: use a user token (authorization code flow) or a client owned by a user');
      }
    }
    if (!userId) throw ProblemError.forbidden('This credential does not act for a user');
    const user = await this.users.find(userId);
    if (!user || user.status !== 'active') throw ProblemError.forbidden('The user this credential acts for is disabled or no longer exists');
    return { userId: user.id, role: user.role, ip: principal.ip, principal };
  }

  /** The lineage of what this caller makes: the portal, or the token's client (and its grant). */
  async lineage(caller: ActingUser): Promise<Lineage> {
    const p = caller.principal;
    if (!p || p.scheme === 'session' || !p.clientId) return lineageOf(p ?? { scheme: 'session' }, null);
    const client = await this.clients.findByClientId(p.clientId);
    return lineageOf(p, client?.id ?? null);
  }

  /** Admin endpoints: the `admin` scope (checked by the guard) and, now, the admin role. */
  async admin(principal: Principal | undefined): Promise<ActingUser> {
    const caller = await this.of(principal);
    if (caller.role !== 'admin') throw ProblemError.forbidden('Only admin users may use this endpoint');
    return caller;
  }
}
