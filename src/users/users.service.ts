import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { decodeCursor, toPage, type Page } from '../common/pagination.js';
import { ProblemError } from '../common/problem.js';
import { PasswordService } from './password.service.js';
import { User, type UserRole } from './user.entity.js';

export interface UserView {
  id: string;
  email: string;
  display_name: string;
  role: UserRole;
  status: string;
  created_at: string;
}

export function toUserView(u: User): UserView {
  return { id: u.id, email: u.email, display_name: u.displayName, role: u.role, status: u.status, created_at: u.createdAt.toISOString() };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly passwords: PasswordService,
  ) {}

  async create(input: { email: string; password: string; role?: UserRole; displayName?: string }): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (await this.users.existsBy({ email })) throw ProblemError.conflict('A user with this email already exists');
    const passwordHash = await this.passwords.hash(input.password);
    return this.users.save(this.users.create({ email, passwordHash, role: input.role ?? 'developer', displayName: input.displayName ?? '' }));
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async list(limit: number, cursor: string | undefined): Promise<Page<UserView>> {
    const after = decodeCursor(cursor);
    const qb = this.users
      .createQueryBuilder('u')
      .orderBy('u.created_at', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(limit + 1);
    if (after) qb.where('(u.created_at, u.id) < (:at, :id)', { at: after.createdAt, id: after.id });
    return toPage(await qb.getMany(), limit, toUserView);
  }

  async get(id: string): Promise<User> {
    const user = isUuid(id) ? await this.users.findOneBy({ id }) : null;
    if (!user) throw ProblemError.notFound(`User ${id.slice(0, 64)}`);
    return user;
  }

  /** The user with the password hash (never selected otherwise), for sign-in only. */
  findForSignIn(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email', { email: email.trim().toLowerCase() }).getOne();
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }
}
