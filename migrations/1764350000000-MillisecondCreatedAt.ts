import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['users', 'clients', 'api_keys', 'audit_events', 'data_records'];

/**
 * Issue 6: `created_at` of every paginated table in milliseconds. Page cursors carry the last row's
 * `created_at` as a JavaScript Date (milliseconds); with microseconds in the column, a row created in
 * the same millisecond as the last row of a page (rows of one statement or transaction share `now()`)
 * fell between the pages and was never listed. Indexes on the column are rebuilt by PostgreSQL.
 */
export class MillisecondCreatedAt1764350000000 implements MigrationInterface {
  name = 'MillisecondCreatedAt1764350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const t of TABLES) await queryRunner.query(`ALTER TABLE "${t}" ALTER COLUMN "created_at" TYPE TIMESTAMP(3) WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of TABLES) await queryRunner.query(`ALTER TABLE "${t}" ALTER COLUMN "created_at" TYPE TIMESTAMP WITH TIME ZONE`);
  }
}
