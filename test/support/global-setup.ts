import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
/** Same default as test/support/env.ts (global setup runs outside Jest's module mapper). */
const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Fails fast, with the fix, when the PostgreSQL the suites need is not there. */
export default async function globalSetup(): Promise<void> {
  ensureChromium();
  ensureAuthlib();
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    // Databases left behind by suites that were killed.
    const { rows } = await client
      .query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'gh\\_test\\_%' AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '2 hours'",
      )
      .catch(() => ({ rows: [] as { datname: string }[] }));
    for (const r of rows) await client.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
  } catch (err) {
    throw new Error(
      `The tests need PostgreSQL at ${ADMIN_DATABASE_URL} (set TEST_DATABASE_URL to use another). ` +
        `On this machine: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start. Cause: ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Debian's Chromium, the one browser the browser suites drive (never a downloaded build). Same path as test/support/browser.ts. */
const CHROMIUM = '/usr/bin/chromium';

/**
 * Brings Debian's `chromium` package when it is missing and this process may install packages (root,
 * with apt-get), so that `npm test` on a fresh machine of the kind the README names runs the browser
 * suites too. Otherwise it says once what to install; the browser suites then fail with the same line.
 * `GATEHOUSE_TEST_NO_INSTALL=1` turns the install off.
 */
function ensureChromium(): void {
  const how = `the browser suites need Chromium at ${CHROMIUM}: install Debian's package (sudo apt-get install -y chromium)`;
  ensureDebianPackages(() => existsSync(CHROMIUM), ['chromium'], how);
}

/** Debian's Python and Authlib, the relying party of test/oidc-authlib.e2e-spec.ts (same as test/support/python.ts). */
const AUTHLIB_PACKAGES = ['python3-authlib', 'python3-requests'];

/** The same for the Authlib interop suite: Debian's python3-authlib under /usr/bin/python3. */
function ensureAuthlib(): void {
  const how = `the Authlib interop suite needs /usr/bin/python3 with Debian's ${AUTHLIB_PACKAGES.join(' and ')} (sudo apt-get install -y --no-install-recommends ${AUTHLIB_PACKAGES.join(' ')})`;
  const present = () => spawnSync('/usr/bin/python3', ['-c', 'import authlib, requests'], { stdio: 'ignore' }).status === 0;
  ensureDebianPackages(present, AUTHLIB_PACKAGES, how);
}

function ensureDebianPackages(
  present: () => boolean,
  packages: string[],
  how: string,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): void {
  if (present()) return;
  const mayInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get') && process.env.GATEHOUSE_TEST_NO_INSTALL !== '1';
  if (!mayInstall) {
    log(`npm test: ${how}`);
    return;
  }
  log(`npm test: installing Debian's ${packages.join(' ')} (apt-get, once): ${how}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const run = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15 * 60_000 });
    if (run.status !== 0) {
      log(`npm test: 'apt-get ${args.join(' ')}' failed (${run.stderr?.toString().trim().split('\n').pop() ?? run.error?.message}); ${how}`);
      return;
    }
  }
  log(present() ? `npm test: installed ${packages.join(' ')}` : `npm test: apt-get finished but ${packages.join(' ')} is still missing; ${how}`);
}
