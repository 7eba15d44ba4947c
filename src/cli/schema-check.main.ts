import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDataSource, runMigrations } from '../platform/database/data-source.js';
import { schemaDiff } from '../platform/database/schema-diff.js';
import { ENTITIES } from '../entities.js';

/**
 * `npm run migration:check`: applies every migration to a new, empty database on the PostgreSQL
 * server at TEST_DATABASE_URL (default: the local one), then asks TypeORM what SQL would make the
 * schema match the entities. Anything at all means a forgotten migration: the SQL is printed (it is
 * the body of the migration to write) and the exit status is 1.
 */
async function main(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `gh_schema_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const ds = createDataSource({ url: url.href }, ENTITIES, 2);
  let diff: string[] = [];
  try {
    await ds.initialize();
    const applied = await runMigrations(ds);
    diff = await schemaDiff(ds);
    process.stdout.write(`migrations applied to an empty database: ${applied.length}\n`);
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
  if (diff.length === 0) {
    process.stdout.write('entities match the migrated schema\n');
    return;
  }
  process.stdout.write(`entities and migrations differ; a migration needs:\n${diff.map((q) => `  ${q};`).join('\n')}\n`);
  process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`migration check failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
