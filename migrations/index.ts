import { Initial1764320000000 } from './1764320000000-Initial.js';
import { ApiKeysAndData1764330000000 } from './1764330000000-ApiKeysAndData.js';
import { AuthorizationCodeFlow1764340000000 } from './1764340000000-AuthorizationCodeFlow.js';
import { MillisecondCreatedAt1764350000000 } from './1764350000000-MillisecondCreatedAt.js';
import { NativeApplicationType1764370000000 } from './1764370000000-NativeApplicationType.js';

/** Every migration, oldest first. A new migration is added here as well as in its own file. */
export const MIGRATIONS = [
  Initial1764320000000,
  ApiKeysAndData1764330000000,
  AuthorizationCodeFlow1764340000000,
  MillisecondCreatedAt1764350000000,
  NativeApplicationType1764370000000,
];
