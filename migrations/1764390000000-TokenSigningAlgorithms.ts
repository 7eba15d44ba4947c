import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: RS256 beside ES256. `clients.access_token_signed_response_alg` and
 * `clients.id_token_signed_response_alg` say which algorithm signs a client's tokens; every existing
 * client keeps ES256. The RS256 signing key itself is made by the server at its next start (in
 * `signing_keys`, whose schema does not change). `down` also deletes the RS256 keys: the version
 * before this one signs with the newest key of any algorithm and would pick an RSA key up.
 */
export class TokenSigningAlgorithms1764390000000 implements MigrationInterface {
  name = 'TokenSigningAlgorithms1764390000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" ADD "access_token_signed_response_alg" text NOT NULL DEFAULT 'ES256'`);
    await queryRunner.query(`ALTER TABLE "clients" ADD "id_token_signed_response_alg" text NOT NULL DEFAULT 'ES256'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "signing_keys" WHERE "alg" <> 'ES256'`);
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "id_token_signed_response_alg"`);
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "access_token_signed_response_alg"`);
  }
}
