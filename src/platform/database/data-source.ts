import { DataSource } from 'typeorm';
import type { PoolConfig } from 'pg';
import { MIGRATIONS } from '../../../migrations/index.js';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedDatabase, type EmbeddedDatabase, type EmbeddedRole } from './embedded.js';
import type { MixedList, EntitySchema } from 'typeorm';
import { Setting } from './setting.entity.js';

export interface Database {
  readonly dataSource: DataSource;
  /** Set when the embedded PGlite serves the data. */
  readonly embedded: EmbeddedDatabase | undefined;
  close(): Promise<void>;
}

/** The platform's own entities; each feature module exports its own list (see src/entities.ts). */
export const PLATFORM_ENTITIES = [Setting];

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

/** Migrations of concurrent starts are serialised by this PostgreSQL advisory lock. */
const MIGRATION_LOCK = 7_404_117_001;

export function createDataSource(connection: { url?: string } & PoolConfig, entities: EntityList, poolSize = 10): DataSource {
  const { url, host, port, user, database, password } = connection;
  return new DataSource({
    type: 'postgres',
    ...(url ? { url } : { host, port, username: user, database, password: password as string | undefined }),
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    logging: false,
    poolSize,
    extra: {
      connectionTimeoutMillis: 5000,
      // A stalled database must not hold a request for ever: statements are cancelled after 10 s.
      statement_timeout: 10_000,
      // ...and a database that stops answering altogether (a frozen host, a network black hole) cannot
      // cancel anything: the driver gives up waiting after 15 s, and the request gets a 503.
      query_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'gatehouse',
    },
  });
}

/** Connects (to DATABASE_URL or the embedded PGlite) and applies pending migrations. */
export async function openDatabase(
  config: AppConfig,
  opts: { entities: EntityList; migrate?: boolean; poolSize?: number; role?: EmbeddedRole },
): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, opts.role);
  const poolSize = opts.poolSize ?? (embedded ? 4 : 10);
  const dataSource = createDataSource(config.databaseUrl ? { url: config.databaseUrl } : embedded!.connection, opts.entities, poolSize);
  try {
    await dataSource.initialize();
    if (opts.migrate !== false) await runMigrations(dataSource);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    embedded,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await dataSource.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
