import { Initial1764320000000 } from './1764320000000-Initial.js';
import { ApiKeysAndData1764330000000 } from './1764330000000-ApiKeysAndData.js';
import { AuthorizationCodeFlow1764340000000 } from './1764340000000-AuthorizationCodeFlow.js';
import { MillisecondCreatedAt1764350000000 } from './1764350000000-MillisecondCreatedAt.js';
import { CredentialLineage1764360000000 } from './1764360000000-CredentialLineage.js';
import { NativeApplicationType1764370000000 } from './1764370000000-NativeApplicationType.js';
import { AccountsAndDirectory1764380000000 } from './1764380000000-AccountsAndDirectory.js';
import { TokenSigningAlgorithms1764390000000 } from './1764390000000-TokenSigningAlgorithms.js';
import { OpenIdConnect1764400000000 } from './1764400000000-OpenIdConnect.js';
import { ResourceServerClients1764410000000 } from './1764410000000-ResourceServerClients.js';
import { AccountLifecycle1765010000000 } from './1765010000000-AccountLifecycle.js';
import { ShownOnceAndLastUse1765020000000 } from './1765020000000-ShownOnceAndLastUse.js';
import { UsageCounts1765030000000 } from './1765030000000-UsageCounts.js';
import { ClientHomepage1765040000000 } from './1765040000000-ClientHomepage.js';

/** Every migration, oldest first. A new migration is added here as well as in its own file. */
export const MIGRATIONS = [
  Initial1764320000000,
  ApiKeysAndData1764330000000,
  AuthorizationCodeFlow1764340000000,
  MillisecondCreatedAt1764350000000,
  CredentialLineage1764360000000,
  NativeApplicationType1764370000000,
  AccountsAndDirectory1764380000000,
  TokenSigningAlgorithms1764390000000,
  OpenIdConnect1764400000000,
  ResourceServerClients1764410000000,
  AccountLifecycle1765010000000,
  ShownOnceAndLastUse1765020000000,
  UsageCounts1765030000000,
  ClientHomepage1765040000000,
];
