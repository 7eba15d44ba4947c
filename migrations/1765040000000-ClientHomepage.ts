import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: `clients.homepage_url`, the application's home page, linked on the sign-in and consent
 * pages (optional; none for existing clients).
 */
export class ClientHomepage1765040000000 implements MigrationInterface {
  name = 'ClientHomepage1765040000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" ADD "homepage_url" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "homepage_url"`);
  }
}
