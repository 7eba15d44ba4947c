import { EMAIL_RULE, isEmail, normalizeEmail } from '../email.js';
import type { EnvReader } from './env.js';

/** The first administrator: ADMIN_EMAIL, ADMIN_PASSWORD. */
export interface AdminSettings {
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
}

/** BOOTSTRAP (read after the logging settings, so its problem keeps its place in the error). */
export interface BootstrapSettings {
  /** Create the admin user and (outside production) a demo client on an empty database. */
  readonly bootstrap: boolean;
}

export function adminSettings({ str, problem }: EnvReader): AdminSettings {
  const adminEmail = normalizeEmail(str('ADMIN_EMAIL') ?? 'admin@gatehouse.local');
  if (!isEmail(adminEmail)) problem(`ADMIN_EMAIL ${EMAIL_RULE} (got "${adminEmail}")`);
  const adminPassword = str('ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 12) problem('ADMIN_PASSWORD must be at least 12 characters');
  return { adminEmail, adminPassword };
}

export function bootstrapSettings({ str, problem }: EnvReader): BootstrapSettings {
  const bootstrapRaw = str('BOOTSTRAP') ?? 'true';
  if (!['true', 'false'].includes(bootstrapRaw)) problem('BOOTSTRAP must be true or false');
  return { bootstrap: bootstrapRaw === 'true' };
}
