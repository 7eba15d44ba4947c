import { AuditService } from '../audit/audit.service.js';
import { EMAIL_RULE, isEmail, MAX_EMAIL_LENGTH, normalizeEmail } from '../platform/email.js';
import { ChangeBusModule } from '../platform/change-bus/change-bus.module.js';
import type { User, UserRole, UserStatus } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { toUserView, UsersService, type UserView } from '../users/users.service.js';
import { CliError, command, oneOf, optional, optionalOneOf, problem, required, type Flags } from './command.js';
import { USERS_LIST_LIMIT } from './commands.js';
import { MIN_PASSWORD, readPassword } from './secret.js';

const ROLES: readonly UserRole[] = ['admin', 'developer'];
const STATUSES: readonly UserStatus[] = ['active', 'disabled'];
const LIST_LIMIT = USERS_LIST_LIMIT;

export const usersCreate = command({
  imports: [UsersModule],
  parse(flags) {
    const email = normalizeEmail(required(flags, 'email'));
    if (!isEmail(email)) problem(`--email ${EMAIL_RULE} (got "${email.slice(0, MAX_EMAIL_LENGTH)}")`);
    // --password is kept for old scripts; standard input keeps the password out of argv (ps, shell history).
    const password = typeof flags.password === 'string' ? flags.password : undefined;
    if (password === '') problem('--password needs a value');
    if (password !== undefined && password.length < MIN_PASSWORD) problem(`--password must be at least ${MIN_PASSWORD} characters`);
    const role = oneOf('role', optional(flags, 'role') ?? 'developer', ROLES);
    return { email, password, role };
  },
  async run({ app }, input) {
    const password = input.password ?? (await readPassword(`Password for ${input.email}: `));
    const user = await app.get(UsersService).create({ ...input, password });
    return {
      json: { id: user.id, email: user.email, role: user.role },
      text: [`Created ${user.role} ${user.email} (id ${user.id})`],
    };
  },
});

export const usersUnlock = command({
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

function userText(u: UserView): string[] {
  return [`id:         ${u.id}`, `email:      ${u.email}`, `role:       ${u.role}`, `status:     ${u.status}`, `created_at: ${u.created_at}`];
}

/** The user named by --email or --id (exactly one of them). */
function who(flags: Flags): { email?: string; id?: string } {
  const email = optional(flags, 'email');
  const id = optional(flags, 'id');
  if ((email === undefined) === (id === undefined)) problem('give exactly one of --email and --id');
  return email !== undefined ? { email: normalizeEmail(email) } : { id };
}

async function findUser(users: UsersService, { email, id }: { email?: string; id?: string }): Promise<User> {
  const user = email !== undefined ? await users.findByEmail(email) : await users.find(id!);
  if (!user) throw new CliError(email !== undefined ? `No user has the email ${email}` : `No user has the id ${id}`);
  return user;
}

export const usersList = command({
  imports: [UsersModule],
  parse(flags) {
    return { role: optionalOneOf(flags, 'role', ROLES), status: optionalOneOf(flags, 'status', STATUSES) };
  },
  async run({ app }, filter) {
    const page = await app.get(UsersService).list(LIST_LIMIT, undefined, filter);
    const text = page.data.map((u) => `${u.id}  ${u.role.padEnd(9)}  ${u.status.padEnd(8)}  ${u.email}`);
    if (page.next_cursor) text.push(`(first ${LIST_LIMIT} shown: narrow with --role or --status)`);
    return { json: { data: page.data, more: page.next_cursor !== null }, text: text.length ? text : ['(no users)'] };
  },
});

export const usersGet = command({
  imports: [UsersModule],
  parse: who,
  async run({ app }, input) {
    const view = toUserView(await findUser(app.get(UsersService), input));
    return { json: { ...view }, text: userText(view) };
  },
});

export const usersUpdate = command({
  imports: [ChangeBusModule, UsersModule],
  parse(flags) {
    const email = normalizeEmail(required(flags, 'email'));
    const changes = { status: optionalOneOf(flags, 'status', STATUSES), role: optionalOneOf(flags, 'role', ROLES) };
    if (changes.status === undefined && changes.role === undefined) problem('nothing to change: give --status and/or --role');
    return { email, changes };
  },
  async run({ app }, { email, changes }) {
    const users = app.get(UsersService);
    const user = await users.setStatusAndRole((await findUser(users, { email })).id, changes);
    await app.get(AuditService).record({ type: 'admin.user_changed', target: user.id, details: { via: 'cli', status: changes.status, role: changes.role } });
    const view = toUserView(user);
    return { json: { ...view }, text: [`Updated ${view.email}`, ...userText(view)] };
  },
});

export const usersSetPassword = command({
  imports: [ChangeBusModule, UsersModule],
  parse(flags) {
    return { email: normalizeEmail(required(flags, 'email')) };
  },
  async run({ app }, { email }) {
    const users = app.get(UsersService);
    const found = await findUser(users, { email });
    const password = await readPassword(`New password for ${email}: `);
    const user = await users.setPassword(found.id, password);
    await app.get(AuditService).record({ type: 'admin.user_changed', target: user.id, details: { via: 'cli', password: 'set' } });
    return {
      json: { id: user.id, email: user.email, password_changed_at: user.passwordChangedAt.toISOString() },
      text: [`Set a new password for ${user.email} (id ${user.id})`],
    };
  },
});
