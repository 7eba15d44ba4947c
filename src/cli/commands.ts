import { clientsCreate, clientsDirectory } from './clients.commands.js';
import type { Command } from './command.js';
import { keysCreate } from './keys.commands.js';
import { migrationRun, signingKeysRotate, status } from './system.commands.js';
import { usersCreate, usersUnlock } from './users.commands.js';

/** Every command of `npm run -s cli -- <command>`: a new one is one entry here. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  'users:create': usersCreate,
  'users:unlock': usersUnlock,
  'clients:create': clientsCreate,
  'clients:directory': clientsDirectory,
  'keys:create': keysCreate,
  'signing-keys:rotate': signingKeysRotate,
  'migration:run': migrationRun,
  status,
};
