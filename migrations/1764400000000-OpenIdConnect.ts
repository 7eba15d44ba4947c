import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, OpenID Connect. `clients.post_logout_redirect_uris`: where RP-initiated logout may send
 * the browser back (exact match; none for existing clients). An authorization code keeps the request's
 * `nonce`, when the user signed in (`auth_time`: the portal session's start) and the session (`sid`);
 * the grant made from it keeps `auth_time` and `sid`, so ID tokens issued at a refresh carry them too.
 * Rows from before have none: their refreshes issue ID tokens without `auth_time` and `sid`.
 */
export class OpenIdConnect1764400000000 implements MigrationInterface {
  name = 'OpenIdConnect1764400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" ADD "post_logout_redirect_uris" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" ADD "nonce" text`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" ADD "auth_time" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" ADD "sid" text`);
    await queryRunner.query(`ALTER TABLE "grants" ADD "auth_time" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "grants" ADD "sid" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "grants" DROP COLUMN "sid"`);
    await queryRunner.query(`ALTER TABLE "grants" DROP COLUMN "auth_time"`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" DROP COLUMN "sid"`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" DROP COLUMN "auth_time"`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" DROP COLUMN "nonce"`);
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "post_logout_redirect_uris"`);
  }
}
