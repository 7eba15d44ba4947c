import type { DataSource } from 'typeorm';

/**
 * The SQL that would make the migrated schema match the entities. Empty means the migrations and
 * the entities agree; anything else is a forgotten migration (or an entity change without one).
 */
export async function schemaDiff(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
