import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: `clients.resource_server`: an admin marked this confidential client as a resource server
 * of the API audience (API_AUDIENCE): at POST /oauth2/introspect it may learn whether any access
 * token issued for that audience is still active, not only its own (so an API that is not Gatehouse
 * honours revocation before expiry). False for every existing client: nothing changes for them.
 */
export class ResourceServerClients1764410000000 implements MigrationInterface {
  name = 'ResourceServerClients1764410000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" ADD "resource_server" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "resource_server"`);
  }
}
