import { AuditService } from '../audit/audit.service.js';
import { EMAIL_RULE, isEmail, MAX_EMAIL_LENGTH, normalizeEmail } from '../users/email.js';
import type { UserRole } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { CliError, command, oneOf, optional, required } from './command.js';

const ROLES: readonly UserRole[] = ['admin', 'developer'];
const MIN_PASSWORD = 12;

export const usersCreate = command({
  summary: 'Create a user (a developer by default)',
  usage: '--email E --password P [--role admin|developer]',
  flags: ['email', 'password', 'role'],
  imports: [UsersModule],
  parse(flags) {
    const email = normalizeEmail(required(flags, 'email'));
    if (!isEmail(email)) throw CliError.usage(`--email ${EMAIL_RULE} (got "${email.slice(0, MAX_EMAIL_LENGTH)}")`);
    const password = flags.password;
    if (typeof password !== 'string' || password === '') throw CliError.usage('--password is required');
    if (password.length < MIN_PASSWORD) throw CliError.usage(`--password must be at least ${MIN_PASSWORD} characters`);
    const role = oneOf('role', optional(flags, 'role') ?? 'developer', ROLES);
    return { email, password, role };
  },
  async run({ app }, input) {
    const user = await app.get(UsersService).create(input);
    return {
      json: { id: user.id, email: user.email, role: user.role },
      text: [`Created ${user.role} ${user.email} (id ${user.id})`],
    };
  },
});

export const usersUnlock = command({
  summary: 'Unlock sign-in for a user: forget every failed sign-in counted against the account',
  usage: '--email E',
  flags: ['email'],
  imports: [UsersModule],
  parse(flags) {
    return { email: normalizeEmail(required(flags, 'email')) };
  },
  async run({ app }, { email }) {
    const users = app.get(UsersService);
    const found = await users.findByEmail(email);
    if (!found) throw new CliError(`No user has the email ${email}`);
    const user = await users.unlockSignIn(found.id);
    await app.get(AuditService).record({ type: 'admin.user_unlocked', target: user.id, details: { via: 'cli' } });
    return {
      json: { id: user.id, email: user.email, sign_in_unlocked_at: user.signInUnlockedAt?.toISOString() ?? null },
      text: [`Unlocked sign-in for ${user.email} (id ${user.id}): failed sign-ins counted so far no longer hold it back`],
    };
  },
});
