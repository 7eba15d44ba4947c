import type { Command } from './command.js';

/**
 * Every command of `npm run -s cli -- <command>`: a new one is one entry here and one `command({...})`
 * body in a `*.commands.ts` file. This file imports nothing at run time, so the help text and usage
 * errors come without loading Nest, TypeORM or pg; a command's own file is imported only to run it.
 */
export interface CommandInfo {
  /** One line for the help text. */
  readonly summary: string;
  /** The flags, as the help text shows them. */
  readonly usage: string;
  /** Flag names (all take a value); --json and --help are added to every command. */
  readonly flags: readonly string[];
  load(): Promise<Command>;
}

export const USERS_LIST_LIMIT = 100;
export const CLIENTS_LIST_LIMIT = 200;
export const KEYS_LIST_LIMIT = 100;

const PASSWORD_INPUT = '(the password: one line on standard input, or typed at the prompt)';

const users = () => import('./users.commands.js');
const clients = () => import('./clients.commands.js');
const clientsManage = () => import('./clients-manage.commands.js');
const keys = () => import('./keys.commands.js');
const system = () => import('./system.commands.js');

export const COMMANDS: Readonly<Record<string, CommandInfo>> = {
  'users:create': {
    summary: 'Create a user (a developer by default)',
    usage: `--email E [--role admin|developer]   ${PASSWORD_INPUT}`,
    flags: ['email', 'password', 'role'],
    load: async () => (await users()).usersCreate,
  },
  'users:unlock': {
    summary: 'Unlock sign-in for a user: forget every failed sign-in counted against the account',
    usage: '--email E',
    flags: ['email'],
    load: async () => (await users()).usersUnlock,
  },
  'users:list': {
    summary: `Users, newest first (at most ${USERS_LIST_LIMIT}); filter by --role and --status`,
    usage: '[--role admin|developer] [--status active|disabled]',
    flags: ['role', 'status'],
    load: async () => (await users()).usersList,
  },
  'users:get': {
    summary: 'One user, by email or id',
    usage: '--email E | --id ID',
    flags: ['email', 'id'],
    load: async () => (await users()).usersGet,
  },
  'users:update': {
    summary: 'Disable or enable a user, or change their role (audited as admin.user_changed, every instance told at once)',
    usage: '--email E [--status active|disabled] [--role admin|developer]',
    flags: ['email', 'status', 'role'],
    load: async () => (await users()).usersUpdate,
  },
  'users:set-password': {
    summary: "Set a user's password, read from standard input (one line) or typed at a prompt without echo; never from argv",
    usage: `--email E   ${PASSWORD_INPUT}`,
    flags: ['email'],
    load: async () => (await users()).usersSetPassword,
  },
  'clients:create': {
    summary: 'Register an OAuth client; its secret is shown once',
    usage:
      '--name N [--owner EMAIL] [--type confidential|public] [--application-type web|native] [--grants "client_credentials authorization_code refresh_token"] ' +
      '[--scopes "users:read data:read"] [--redirect-uris "https://a/cb http://127.0.0.1:8765/cb"] [--post-logout-redirect-uris "https://a/bye"] [--homepage-url https://a] [--directory-access whole|owner] ' +
      '[--access-token-signed-response-alg ES256|RS256] [--id-token-signed-response-alg ES256|RS256]',
    flags: [
      ...['name', 'owner', 'type', 'application-type', 'grants', 'scopes', 'redirect-uris', 'post-logout-redirect-uris', 'homepage-url', 'directory-access'],
      ...['access-token-signed-response-alg', 'id-token-signed-response-alg'],
    ],
    load: async () => (await clients()).clientsCreate,
  },
  'clients:directory': {
    summary: "Allow a client's own tokens the whole user directory (whole), or only its owner's record (owner)",
    usage: '--client-id ID --access whole|owner',
    flags: ['client-id', 'access'],
    load: async () => (await clients()).clientsDirectory,
  },
  'clients:resource-server': {
    summary: 'Mark a confidential client a resource server, which may introspect any access token of the API audience (any), or not (own)',
    usage: '--client-id ID --introspect any|own',
    flags: ['client-id', 'introspect'],
    load: async () => (await clients()).clientsResourceServer,
  },
  'clients:list': {
    summary: `OAuth clients, newest first (at most ${CLIENTS_LIST_LIMIT}); --owner narrows to one user's`,
    usage: '[--owner EMAIL]',
    flags: ['owner'],
    load: async () => (await clientsManage()).clientsList,
  },
  'clients:get': {
    summary: 'One OAuth client (never its secret: only its digest is stored)',
    usage: '--client-id ID',
    flags: ['client-id'],
    load: async () => (await clientsManage()).clientsGet,
  },
  'clients:update': {
    summary:
      'Disable or enable a client, replace its scopes, redirect URIs or post-logout redirect URIs, or change what signs its tokens (every instance told at once; audited)',
    usage:
      '--client-id ID [--status active|disabled] [--scopes "users:read data:read"] [--redirect-uris "https://a/cb"] [--post-logout-redirect-uris "https://a/bye"] [--homepage-url https://a] ' +
      '[--access-token-signed-response-alg ES256|RS256] [--id-token-signed-response-alg ES256|RS256]',
    flags: [
      'client-id',
      'status',
      'scopes',
      'redirect-uris',
      'post-logout-redirect-uris',
      'homepage-url',
      'access-token-signed-response-alg',
      'id-token-signed-response-alg',
    ],
    load: async () => (await clientsManage()).clientsUpdate,
  },
  'clients:delete': {
    summary: 'Delete a client: its tokens and secrets stop working on every instance at once (audited as client.deleted)',
    usage: '--client-id ID',
    flags: ['client-id'],
    load: async () => (await clientsManage()).clientsDelete,
  },
  'keys:create': {
    summary: 'Create an API key for a user; the key is shown once',
    usage: '--owner EMAIL --name N [--scopes "data:read"] [--expires-in SECONDS] [--environment live|test]',
    flags: ['owner', 'name', 'scopes', 'expires-in', 'environment'],
    load: async () => (await keys()).keysCreate,
  },
  'keys:list': {
    summary: `API keys, newest first (at most ${KEYS_LIST_LIMIT}); --owner narrows to one user's; never the keys themselves`,
    usage: '[--owner EMAIL]',
    flags: ['owner'],
    load: async () => (await keys()).keysList,
  },
  'keys:get': {
    summary: 'One API key by id (its prefix and last 4 characters, never the key)',
    usage: '--id ID',
    flags: ['id'],
    load: async () => (await keys()).keysGet,
  },
  'keys:revoke': {
    summary: 'Revoke an API key now, on every instance at once (idempotent; audited as api_key.revoked)',
    usage: '--id ID',
    flags: ['id'],
    load: async () => (await keys()).keysRevoke,
  },
  'signing-keys:rotate': {
    summary: 'Add a new signing key for each algorithm (ES256, RS256); each is published at once and signs after SIGNING_KEY_ACTIVATION_DELAY',
    usage: '',
    flags: [],
    load: async () => (await system()).signingKeysRotate,
  },
  'migration:run': {
    summary: 'Apply pending database migrations',
    usage: '',
    flags: [],
    load: async () => (await system()).migrationRun,
  },
  status: {
    summary: 'Where the server is, its admins and the demo client (the start-up banner again; secrets are shown only once, at first start)',
    usage: '',
    flags: [],
    load: async () => (await system()).status,
  },
};
