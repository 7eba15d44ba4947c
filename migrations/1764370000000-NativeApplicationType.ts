import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13 item 2: a loopback redirect URI matches on any port (RFC 8252 7.3) only for public clients
 * registered as native apps (`application_type`, as in OpenID Connect registration), never for a
 * first-party or confidential client. Public third-party clients that already registered a loopback
 * redirect URI were relying on the any-port rule: they become native, so they keep working.
 */
export class NativeApplicationType1764370000000 implements MigrationInterface {
  name = 'NativeApplicationType1764370000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" ADD "application_type" text NOT NULL DEFAULT 'web'`);
    await queryRunner.query(
      `UPDATE "clients" SET "application_type" = 'native' WHERE "type" = 'public' AND NOT "first_party"
         AND EXISTS (SELECT 1 FROM unnest("redirect_uris") AS u WHERE u ~ '^http://(127\\.0\\.0\\.1|\\[::1\\])([:/?]|$)')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "application_type"`);
  }
}
