import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { EnvReader } from './env.js';

/** MASTER_KEY: encrypts the signing keys at rest. */
export interface MasterKeySettings {
  readonly masterKey: string;
  /** True when the master key was generated into DATA_DIR rather than given. */
  readonly masterKeyGenerated: boolean;
}

const PLACEHOLDERS = /^(changeme|change-me|secret|password|placeholder|example|xxx+|test|default)$/i;

/**
 * Required in production; elsewhere generated once into `dataDir`, but only when no setting read
 * before it (server, database, Redis) was refused.
 */
export function masterKeySettings({ str, problem, problems }: EnvReader, production: boolean, dataDir: string): MasterKeySettings {
  let masterKey = str('MASTER_KEY');
  let masterKeyGenerated = false;
  if (masterKey !== undefined) {
    if (masterKey.length < 32 || PLACEHOLDERS.test(masterKey)) {
      problem('MASTER_KEY must be at least 32 characters of real randomness (e.g. `openssl rand -base64 32`), not a placeholder');
    }
  } else if (production) {
    problem('MASTER_KEY is required in production: it encrypts the signing keys at rest (generate one with `openssl rand -base64 32`)');
  } else if (problems.length === 0) {
    masterKey = generatedMasterKey(dataDir);
    masterKeyGenerated = true;
  }
  // Without a key there is a problem, and loadConfig throws before anyone reads it.
  return { masterKey: masterKey as string, masterKeyGenerated };
}

/** Outside production a missing MASTER_KEY is generated once into DATA_DIR and reused after. */
function generatedMasterKey(dataDir: string): string {
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return readFileSync(file, 'utf8').trim(); // another process wrote it first
  }
}
