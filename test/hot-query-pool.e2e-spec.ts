import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ENTITIES } from '../src/entities.js';
import { loadConfig } from '../src/platform/config/config.js';
import { openDatabase, type Database } from '../src/platform/database/data-source.js';
import { HotQuery } from '../src/platform/database/hot-query.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_MASTER_KEY } from './support/env.js';

/**
 * Speed-up rule (CONTRIBUTING.md, "Speed-up rules"): HotQuery (src/platform/database/hot-query.ts)
 * runs hot statements straight on TypeORM's private `driver.master`, the pg Pool under the data
 * source. A TypeORM upgrade may rename or reshape that field; this suite opens the database exactly
 * as createApp() does and fails, naming hot-query.ts, the moment it is not a working pg Pool.
 */
const RULE = "src/platform/database/hot-query.ts reads TypeORM's private driver.master as a pg Pool";

function privatePool(db: Database): unknown {
  return (db.dataSource.driver as unknown as { master?: unknown }).master;
}

async function expectWorkingPool(db: Database): Promise<void> {
  const master = privatePool(db);
  if (!(master instanceof pg.Pool)) {
    throw new Error(`${RULE}, but driver.master is ${master === undefined ? 'missing' : String(master?.constructor?.name)}: update HotQuery for this TypeORM`);
  }
  const direct = await master.query<{ one: number }>('SELECT 1 AS one');
  expect(direct.rows).toEqual([{ one: 1 }]);
  const hot = new HotQuery(db.dataSource);
  // Twice: on PostgreSQL the second run reuses the named, already prepared statement.
  for (let i = 0; i < 2; i++) {
    await expect(hot.rows<{ n: number }>('hot_query_pool_check', 'SELECT $1::int + 1 AS n', [41])).resolves.toEqual([{ n: 42 }]);
  }
  // It is the pool TypeORM itself uses: the same connections, the same database.
  const [{ db: viaTypeorm }] = await db.dataSource.query<{ db: string }[]>('SELECT current_database() AS db');
  await expect(hot.rows('hot_query_pool_db', 'SELECT current_database() AS db', [])).resolves.toEqual([{ db: viaTypeorm }]);
}

describe("Speed-up rule: HotQuery's private pool (TypeORM driver.master)", () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('is a working pg Pool on PostgreSQL (DATABASE_URL), opened as the app opens it', async () => {
    const db = await openDatabase(loadConfig({ NODE_ENV: 'test', MASTER_KEY: TEST_MASTER_KEY, DATABASE_URL: testDb.url }), { entities: ENTITIES });
    try {
      await expectWorkingPool(db);
    } finally {
      await db.close();
    }
  });

  it('is a working pg Pool on the embedded database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-hot-query-'));
    const db = await openDatabase(loadConfig({ NODE_ENV: 'test', MASTER_KEY: TEST_MASTER_KEY, DATA_DIR: dataDir }), { entities: ENTITIES });
    try {
      expect(db.embedded).toBeDefined();
      await expectWorkingPool(db);
    } finally {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
