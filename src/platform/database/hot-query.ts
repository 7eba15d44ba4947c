import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A statement on a hot path, straight on the pg pool under TypeORM: fixed SQL, no query builder, no
 * entity hydration, no query runner. `node --cpu-prof` on GET /v1/users put TypeORM's SELECT building and result
 * transformation at about a quarter of the request's CPU. On PostgreSQL (DATABASE_URL) the statement
 * is also named, so each pooled connection parses and plans it once. Not on the embedded database:
 * pglite-socket multiplexes every pool connection onto one PostgreSQL session, where a name prepared
 * by one connection would clash with the same name prepared by another.
 * `driver.master` is TypeORM's private pool: test/hot-query-pool.e2e-spec.ts fails, naming this file,
 * when a TypeORM upgrade renames or reshapes it.
 */
export class HotQuery {
  private readonly pool: Pool;
  private readonly named: boolean;

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    // createDataSource() connects to DATABASE_URL by url, and to the embedded database by host and port.
    this.named = typeof (dataSource.options as { url?: unknown }).url === 'string';
  }

  async rows<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    const result = await this.pool.query<R>(this.named ? { name, text, values } : { text, values });
    return result.rows;
  }
}
