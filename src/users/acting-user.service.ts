import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ClientsService } from '../clients/clients.service.js';
import { ProblemError } from '../common/problem.js';
import { UsersService } from './users.service.js';

/**
 * The user a request acts for: the key's owner, the token's user, or, for a client-credentials
 * token (which has no user), the owner of the client. A client without an owner acts for nobody:
 * such a token gets 403 on user-owned resources (keys, data records).
 */
@Injectable()
export class ActingUserService {
  constructor(
    private readonly clients: ClientsService,
    private readonly users: UsersService,
  ) {}

  async userId(principal: Principal): Promise<string> {
    if (principal.userId !== undefined) return principal.userId;
    const client = principal.clientId !== undefined ? await this.clients.findByClientId(principal.clientId) : null;
    if (client?.ownerId) return client.ownerId;
    throw ProblemError.forbidden(
      'This client has no owner, so its client-credentials token acts for no user: use a token of a user (authorization code flow), or a client registered by a user',
    );
  }

  /** The acting user, who must be an active admin (admin routes also need the `admin` scope). */
  async adminId(principal: Principal): Promise<string> {
    const id = await this.userId(principal);
    const user = await this.users.get(id).catch(() => null);
    if (!user || user.role !== 'admin' || user.status !== 'active') throw ProblemError.forbidden('Only an administrator may do this');
    return id;
  }

  /** The OAuth client a client-credentials token belongs to (its database id), if any. */
  async clientPk(principal: Principal): Promise<string | undefined> {
    if (principal.kind !== 'client' || principal.clientId === undefined) return undefined;
    return (await this.clients.findByClientId(principal.clientId))?.id;
  }
}
