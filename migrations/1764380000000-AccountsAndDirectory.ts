import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12 points 5 and 6. `users.sign_in_unlocked_at`: when an admin last unlocked the account's
 * sign-in (the throttle keys its failure counts by it, so an unlock reaches every instance and the
 * command line through the database). Existing users have none: nothing changes for them.
 * `clients.directory_access`: an admin allowed the client's own tokens the whole user directory on
 * GET /v1/users (false for every existing client: clients with no owner or owned by an admin see
 * the whole directory anyway, so the guide's demo client keeps working).
 */
export class AccountsAndDirectory1764380000000 implements MigrationInterface {
  name = 'AccountsAndDirectory1764380000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "sign_in_unlocked_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "clients" ADD "directory_access" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "directory_access"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "sign_in_unlocked_at"`);
  }
}
