// What the benchmark scripts (run.mjs, api-keys.mjs, soak.mjs) share to stand up a Gatehouse of
// their own: a free loopback port, a throwaway database on a PostgreSQL server, and the command that
// starts the built server (dist/) with the node flags production uses, pinned to core 0 when asked.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The PostgreSQL server the scripts create their databases on (any database of it: the admin connection). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Node's flags as production runs Gatehouse: those of package.json's start:prod (`node <flags> dist/src/main.js`). */
export const NODE_FLAGS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  .scripts['start:prod'].replace(/^node\s+/, '')
  .replace(/\s*dist\/src\/main\.js$/, '')
  .split(/\s+/)
  .filter(Boolean);

/** Whether `taskset` (util-linux) can be run here. */
export const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;

/** A TCP port free on 127.0.0.1 (free when asked; the caller binds it soon after). */
export const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** Runs one SQL statement on its own connection; resolves with the rows. */
export async function sql(url, text, params = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** The URL of database `name` on the server of `adminUrl` (same user, host, port and options). */
export const databaseUrl = (adminUrl, name) => Object.assign(new URL(adminUrl), { pathname: `/${name}` }).href;

/** Creates database `name` on the server of `adminUrl`; resolves with its URL. */
export async function createDatabase(adminUrl, name) {
  await sql(adminUrl, `CREATE DATABASE "${name}"`);
  return databaseUrl(adminUrl, name);
}

/** Drops database `name` (if it exists, closing its connections) on the server of `adminUrl`. */
export async function dropDatabase(adminUrl, name) {
  await sql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** `[command, args]` that runs node with `args`, pinned to core 0 with taskset when `pin`. */
export const pinned = (args, pin = HAS_TASKSET) => (pin ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args]);

/**
 * `[command, args]` that starts Gatehouse as production does (`node <NODE_FLAGS> dist/src/main.js`),
 * with `extraFlags` for node after those, pinned to core 0 with taskset when `pin` (by default when
 * taskset exists). taskset execs node in place, so the spawned child's pid is node's.
 */
export const gatehouseCommand = ({ pin = HAS_TASKSET, extraFlags = [] } = {}) => pinned([...NODE_FLAGS, ...extraFlags, join(ROOT, 'dist/src/main.js')], pin);
