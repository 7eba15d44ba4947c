import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { ActingUser } from '../clients/caller.service.js';
import type { Page } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { User, type UserRole, type UserStatus } from '../users/user.entity.js';
import { isUuid, toUserView, UsersService, type UserView } from '../users/users.service.js';

export interface UserFilter {
  q?: string;
  role?: UserRole;
  status?: UserStatus;
}

export interface UserChanges {
  status?: UserStatus;
  role?: UserRole;
}

/**
 * What an admin may do to users, one rule set for the API (/v1/admin/users) and the admin pages
 * (/portal/admin/users): search, disable or enable, change the role; never on oneself (an admin
 * cannot lock themselves out or drop their own rights). Every change is audited.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
    @InjectRepository(User) private readonly repo: Repository<User>,
  ) {}

  list(filter: UserFilter, limit: number, cursor: string | undefined): Promise<Page<UserView>> {
    return this.users.list(limit, cursor, filter);
  }

  async update(admin: ActingUser, id: string, changes: UserChanges): Promise<UserView> {
    if (id === admin.userId) throw ProblemError.badRequest('You cannot disable yourself or change your own role: ask another admin');
    if (!changes.status && !changes.role) throw ProblemError.badRequest('Nothing to change: send status and/or role');
    const user = await this.users.setStatusAndRole(id, changes);
    void this.audit.record({
      type: 'admin.user_changed',
      actorUserId: admin.userId,
      target: user.id,
      ip: admin.ip,
      details: { status: changes.status, role: changes.role },
    });
    return toUserView(user);
  }

  /**
   * Lets the account sign in again at once: every failed-sign-in count against it (per address and
   * from any address) is forgotten on every instance. Allowed on any account (it only helps its owner).
   */
  async unlockSignIn(admin: ActingUser, id: string): Promise<void> {
    const user = await this.users.unlockSignIn(id);
    void this.audit.record({ type: 'admin.user_unlocked', actorUserId: admin.userId, target: user.id, ip: admin.ip });
  }

  /** Emails of these user ids (for owner and actor columns); unknown ids are left out. */
  async emails(ids: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    const wanted = [...new Set([...ids].filter((id): id is string => typeof id === 'string' && isUuid(id)))];
    if (wanted.length === 0) return new Map();
    const rows = await this.repo.find({ select: { id: true, email: true }, where: { id: In(wanted) } });
    return new Map(rows.map((u) => [u.id, u.email]));
  }
}
