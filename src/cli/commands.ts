import { clientsCreate, clientsDirectory } from './clients.commands.js';
import { clientsDelete, clientsGet, clientsList, clientsUpdate } from './clients-manage.commands.js';
import type { Command } from './command.js';
import { keysCreate, keysGet, keysList, keysRevoke } from './keys.commands.js';
import { migrationRun, signingKeysRotate, status } from './system.commands.js';
import { usersCreate, usersGet, usersList, usersSetPassword, usersUnlock, usersUpdate } from './users.commands.js';

/** Every command of `npm run -s cli -- <command>`: a new one is one entry here. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  'users:create': usersCreate,
  'users:unlock': usersUnlock,
  'users:list': usersList,
  'users:get': usersGet,
  'users:update': usersUpdate,
  'users:set-password': usersSetPassword,
  'clients:create': clientsCreate,
  'clients:directory': clientsDirectory,
  'clients:list': clientsList,
  'clients:get': clientsGet,
  'clients:update': clientsUpdate,
  'clients:delete': clientsDelete,
  'keys:create': keysCreate,
  'keys:list': keysList,
  'keys:get': keysGet,
  'keys:revoke': keysRevoke,
  'signing-keys:rotate': signingKeysRotate,
  'migration:run': migrationRun,
  status,
};
