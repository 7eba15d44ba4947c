import { ACCOUNTS_ENTITIES } from './accounts/accounts.module.js';
import { API_KEYS_ENTITIES } from './api-keys/api-keys.module.js';
import { AUDIT_ENTITIES } from './audit/audit.module.js';
import { CLIENTS_ENTITIES } from './clients/clients.module.js';
import { DATA_ENTITIES } from './data/data.module.js';
import { OAUTH_ENTITIES } from './oauth/oauth.module.js';
import { PLATFORM_ENTITIES } from './platform/database/data-source.js';
import { SESSIONS_ENTITIES } from './sessions/sessions.module.js';
import { USERS_ENTITIES } from './users/users.module.js';

/**
 * Every entity, collected from the modules that own them (the composition root's list: the platform
 * data source takes it as a parameter). The schema itself comes only from migrations/.
 */
export const ENTITIES = [
  ...PLATFORM_ENTITIES,
  ...USERS_ENTITIES,
  ...CLIENTS_ENTITIES,
  ...OAUTH_ENTITIES,
  ...API_KEYS_ENTITIES,
  ...DATA_ENTITIES,
  ...SESSIONS_ENTITIES,
  ...AUDIT_ENTITIES,
  ...ACCOUNTS_ENTITIES,
];
