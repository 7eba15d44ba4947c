import pg from 'pg';
/** Same default as test/support/env.ts (global setup runs outside Jest's module mapper). */
const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Fails fast, with the fix, when the PostgreSQL the suites need is not there. */
export default async function globalSetup(): Promise<void> {
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
