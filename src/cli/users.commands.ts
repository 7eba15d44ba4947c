import type { UserRole } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { CliError, command, oneOf, optional, required } from './command.js';

const ROLES: readonly UserRole[] = ['admin', 'developer'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 12;

export const usersCreate = command({
  summary: 'Create a user (a developer by default)',
  usage: '--email E --password P [--role admin|developer]',
  flags: ['email', 'password', 'role'],
  imports: [UsersModule],
  parse(flags) {
    const email = required(flags, 'email').toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) throw CliError.usage(`--email must be an email address (got "${email}")`);
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
