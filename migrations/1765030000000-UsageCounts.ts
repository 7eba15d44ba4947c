import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 (the admin overview): `usage_counts`, hourly counts that no other table keeps: 429s
 * answered (`rate_limited`), refused API keys (`api_key_failed`), failed client authentications
 * (`client_auth_failed`), and uses per API key (`api_key_used`, `subject` = the key's id). Each
 * instance adds its in-memory counts to the hour's row (upsert) every minute and at shutdown.
 */
export class UsageCounts1765030000000 implements MigrationInterface {
  name = 'UsageCounts1765030000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "usage_counts" ("hour" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" text NOT NULL, "subject" text NOT NULL DEFAULT '', "count" bigint NOT NULL, CONSTRAINT "PK_e96aa91e2a19bfbbacfafab5cf6" PRIMARY KEY ("hour", "kind", "subject"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "usage_counts"`);
  }
}
