import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../platform/http/pagination.js';
import { ProblemError } from '../platform/http/problem.js';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import { HotQuery } from '../platform/database/hot-query.js';
import { EMAIL_RULE, isEmail, normalizeEmail } from '../platform/email.js';
import { PasswordService } from './password.service.js';
import { User, type UserRole, type UserStatus } from './user.entity.js';
import { containsPattern } from '../platform/database/like.js';

export interface UserView {
  id: string;
  email: string;
  display_name: string;
  role: UserRole;
  status: string;
  created_at: string;
}

type UserRow = Pick<User, 'id' | 'email' | 'displayName' | 'role' | 'status' | 'createdAt'>;

export function toUserView(u: UserRow): UserView {
  return { id: u.id, email: u.email, display_name: u.displayName, role: u.role, status: u.status, created_at: u.createdAt.toISOString() };
}

const CONFLICT = (): ProblemError => ProblemError.conflict('A user with this email already exists');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Change-bus channel: payload is the id of a user whose status or role changed. */
export const USERS_CHANNEL = 'users';

/** The columns of a UserView, for the hot list query (raw SQL, no entity hydration). */
const VIEW_COLUMNS = 'id, email, display_name AS "displayName", role, status, created_at AS "createdAt"';
const LIST_FIRST = `SELECT ${VIEW_COLUMNS} FROM users ORDER BY created_at DESC, id DESC LIMIT $1`;
const FOR_SIGN_IN = `SELECT ${VIEW_COLUMNS}, password_hash AS "passwordHash", password_changed_at AS "passwordChangedAt", sign_in_unlocked_at AS "signInUnlockedAt", updated_at AS "updatedAt" FROM users WHERE email = $1`;
const LIST_AFTER = `SELECT ${VIEW_COLUMNS} FROM users WHERE (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $1`;

@Injectable()
export class UsersService {
  private hot: HotQuery | undefined;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly passwords: PasswordService,
    /** Absent in command-line contexts, which cache nothing. */
    @Optional() private readonly bus?: ChangeBus,
  ) {}

  async create(input: { email: string; password: string; role?: UserRole; displayName?: string }): Promise<User> {
    const email = normalizeEmail(input.email);
    if (!isEmail(email)) throw ProblemError.validation([{ field: 'email', message: EMAIL_RULE }]);
    if (await this.users.existsBy({ email })) throw CONFLICT();
    const passwordHash = await this.passwords.hash(input.password);
    try {
      return await this.users.save(this.users.create({ email, passwordHash, role: input.role ?? 'developer', displayName: input.displayName ?? '' }));
    } catch (err) {
      // Two creations of one email at once: the unique index lets one in, the other gets the same 409.
      if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') throw CONFLICT();
      throw err;
    }
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async list(limit: number, cursor: string | undefined, filter: { q?: string; role?: UserRole; status?: UserStatus } = {}): Promise<Page<UserView>> {
    const after = decodeCursor(cursor);
    if (!filter.q && !filter.role && !filter.status) {
      // GET /v1/users: the hot read, as a fixed statement (see HotQuery).
      this.hot ??= new HotQuery(this.users.manager.connection);
      const rows = after
        ? await this.hot.rows<UserRow>('users_list_after', LIST_AFTER, [limit + 1, after.createdAt, after.id])
        : await this.hot.rows<UserRow>('users_list_first', LIST_FIRST, [limit + 1]);
      return toPage(rows, limit, toUserView);
    }
    const qb = this.users
      .createQueryBuilder('u')
      .orderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.andWhere('(u.created_at, u.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    if (filter.q) {
      qb.andWhere("(u.email ILIKE :q ESCAPE '\\' OR u.display_name ILIKE :q ESCAPE '\\')", { q: containsPattern(filter.q) });
    }
    if (filter.role) qb.andWhere('u.role = :role', { role: filter.role });
    if (filter.status) qb.andWhere('u.status = :status', { status: filter.status });
    return toPage(await qb.getMany(), limit, toUserView);
  }

  /**
   * The page of GET /v1/users for a caller who may see one record only (their own; `id` null: none):
   * the same shape and cursor rules as `list`, never a next page.
   */
  async listOnly(id: string | null, cursor: string | undefined): Promise<Page<UserView>> {
    const after = decodeCursor(cursor);
    const user = id ? await this.find(id) : null;
    const onPage =
      user !== null && (!after || user.createdAt < after.createdAt || (user.createdAt.getTime() === after.createdAt.getTime() && user.id < after.id));
    return { data: onPage ? [toUserView(user)] : [], next_cursor: null };
  }

  async setStatusAndRole(id: string, changes: { status?: UserStatus; role?: UserRole }): Promise<User> {
    const user = await this.get(id);
    if (changes.status) user.status = changes.status;
    if (changes.role) user.role = changes.role;
    const saved = await this.users.save(user);
    // Every instance drops what it cached for this user (e.g. verified API keys of a disabled owner).
    await this.bus?.publish(USERS_CHANNEL, saved.id);
    return saved;
  }

  async get(id: string): Promise<User> {
    const user = isUuid(id) ? await this.users.findOneBy({ id }) : null;
    if (!user) throw ProblemError.notFound(`User ${id.slice(0, 64)}`);
    return user;
  }

  /** The user with this id, or null (ids that are not UUIDs find nothing). */
  find(id: string): Promise<User | null> {
    return isUuid(id) ? this.users.findOneBy({ id }) : Promise.resolve(null);
  }

  /** The user with the password hash (never selected otherwise), for sign-in only. */
  async findForSignIn(email: string): Promise<User | null> {
    // A fixed statement (see HotQuery): a sign-in's own JavaScript runs cold, between hashes that
    // empty the core's caches, so the query builder's work costs far more here than on a hot path.
    this.hot ??= new HotQuery(this.users.manager.connection);
    const rows = await this.hot.rows<User>('users_for_sign_in', FOR_SIGN_IN, [normalizeEmail(email)]);
    return rows.length === 0 ? null : Object.assign(new User(), rows[0]);
  }

  /**
   * Forgets every failed-sign-in count of this account, on every instance: the throttle keys its
   * counts by this time, so counts from before it are no longer looked at.
   */
  async unlockSignIn(id: string): Promise<User> {
    const user = await this.get(id);
    user.signInUnlockedAt = new Date();
    await this.users.update({ id: user.id }, { signInUnlockedAt: user.signInUnlockedAt });
    return user;
  }

  /** A new password (hashed here); sessions and tokens issued before it stop counting where they check passwordChangedAt. */
  async setPassword(id: string, password: string): Promise<User> {
    const user = await this.get(id);
    user.passwordHash = await this.passwords.hash(password);
    // The database's clock, like the sessions' and grants' created_at it is compared with: a session
    // started right after the change (the account page's own) is never taken for an older one. (A CTE:
    // the drivers answer an UPDATE with [rows, count], a SELECT with its rows.)
    const [row] = await this.users.query<{ at: Date }[]>(
      'WITH u AS (UPDATE users SET password_hash = $1, password_changed_at = now() WHERE id = $2 RETURNING password_changed_at) SELECT password_changed_at AS at FROM u',
      [user.passwordHash, user.id],
    );
    user.passwordChangedAt = row?.at ?? new Date();
    await this.bus?.publish(USERS_CHANNEL, user.id);
    return user;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }
}
