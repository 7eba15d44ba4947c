import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { KEY_SCOPES, type ApiKeyView } from '../api-keys/api-key.dto.js';
import { API_KEY_ENVIRONMENTS, type ApiKeyEnvironment } from '../api-keys/api-key-format.js';
import { AuditService } from '../audit/audit.service.js';
import { ChangeBusModule } from '../platform/change-bus/change-bus.module.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { CliError, command, list, optional, problem, required } from './command.js';
import { KEYS_LIST_LIMIT } from './commands.js';
import { CLI_LINEAGE } from '../clients/lineage.js';

const MAX_NAME = 100;
const MAX_EXPIRES_IN = 10 * 365 * 86400;
const LIST_LIMIT = KEYS_LIST_LIMIT;

export const keysCreate = command({
  imports: [ChangeBusModule, ApiKeysModule],
  parse(flags) {
    const owner = required(flags, 'owner');
    const name = required(flags, 'name');
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (name.length > MAX_NAME || /[\x00-\x1f\x7f]/.test(name)) problem(`--name must be at most ${MAX_NAME} printable characters`);
    const scopes = list(optional(flags, 'scopes') ?? 'data:read');
    const refused = scopes.filter((s) => !(KEY_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || refused.length > 0) problem(`--scopes may only hold ${KEY_SCOPES.join(', ')} (got "${refused.join(' ')}")`);
    const expiresIn = optional(flags, 'expires-in');
    if (expiresIn !== undefined && (!/^\d+$/.test(expiresIn) || Number(expiresIn) < 1 || Number(expiresIn) > MAX_EXPIRES_IN)) {
      problem(`--expires-in must be a positive number of seconds (a whole number from 1 to ${MAX_EXPIRES_IN})`);
    }
    const environment = optional(flags, 'environment') ?? 'live';
    if (!(API_KEY_ENVIRONMENTS as readonly string[]).includes(environment)) problem(`--environment must be one of: ${API_KEY_ENVIRONMENTS.join(', ')}`);
    const expiresAt = expiresIn === undefined ? null : new Date(Date.now() + Number(expiresIn) * 1000);
    return { owner, name, scopes, expiresAt, environment: environment as ApiKeyEnvironment };
  },
  async run({ app }, { owner, ...input }) {
    const user = await app.get(UsersService).findByEmail(owner);
    if (!user) throw new CliError(`No user has the email ${owner}: create one first with users:create`);
    const { row, key } = await app.get(ApiKeysService).issue({ ...input, ownerId: user.id, clientPk: null, lineage: CLI_LINEAGE });
    await app.get(AuditService).record({
      type: 'api_key.created',
      target: row.id,
      details: { via: 'cli', owner_id: user.id, name: row.name, scopes: row.scopes, environment: row.environment },
    });
    const text = [
      `Created API key "${row.name}" for ${user.email} (scopes ${row.scopes.join(' ')})`,
      `  id:  ${row.id}`,
      `  key: ${key}   (shown once: store it now)`,
    ];
    if (row.expiresAt) text.push(`  expires at ${row.expiresAt.toISOString()}`);
    return { json: { id: row.id, key }, text };
  },
});

function keyText(k: ApiKeyView): string[] {
  return [
    `id:           ${k.id}`,
    `name:         ${k.name}`,
    `key:          ${k.start}…${k.last4}   (the rest is never stored)`,
    `status:       ${k.status}`,
    `scopes:       ${k.scopes.join(' ')}`,
    `owner_id:     ${k.owner_id}`,
    `expires_at:   ${k.expires_at ?? '(never)'}`,
    `revoked_at:   ${k.revoked_at ?? '-'}`,
    `last_used_at: ${k.last_used_at ?? '-'}`,
  ];
}

export const keysList = command({
  imports: [ChangeBusModule, UsersModule, ApiKeysModule],
  parse: (flags) => ({ owner: optional(flags, 'owner') }),
  async run({ app }, { owner }) {
    let ownerId: string | undefined;
    if (owner !== undefined) {
      const user = await app.get(UsersService).findByEmail(owner);
      if (!user) throw new CliError(`No user has the email ${owner}`);
      ownerId = user.id;
    }
    const page = await app.get(ApiKeysService).operatorList(ownerId, LIST_LIMIT);
    const text = page.data.map((k) => `${k.id}  ${k.status.padEnd(7)}  ${`${k.start}…${k.last4}`.padEnd(30)}  ${k.name}`);
    if (page.next_cursor) text.push(`(first ${LIST_LIMIT} shown: narrow with --owner)`);
    return { json: { data: page.data, more: page.next_cursor !== null }, text: text.length ? text : ['(no API keys)'] };
  },
});

export const keysGet = command({
  imports: [ChangeBusModule, ApiKeysModule],
  parse: (flags) => ({ id: required(flags, 'id') }),
  async run({ app }, { id }) {
    const view = await app.get(ApiKeysService).operatorGet(id);
    return { json: { ...view }, text: keyText(view) };
  },
});

export const keysRevoke = command({
  imports: [ChangeBusModule, ApiKeysModule],
  parse: (flags) => ({ id: required(flags, 'id') }),
  async run({ app }, { id }) {
    const view = await app.get(ApiKeysService).operatorRevoke(id);
    return { json: { ...view }, text: [`Revoked API key "${view.name}"`, ...keyText(view)] };
  },
});
