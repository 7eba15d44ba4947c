import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (hashed, with a public look-up id) and the Data API's records. */
export class ApiKeysAndData1764330000000 implements MigrationInterface {
  name = 'ApiKeysAndData1764330000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "client_pk" uuid, "name" text NOT NULL, "environment" text NOT NULL DEFAULT 'live', "lookup_id" text NOT NULL, "key_hash" bytea NOT NULL, "last4" text NOT NULL, "scopes" text array NOT NULL DEFAULT '{}', "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "rotated_from" uuid, "rotated_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_e8828b4a713978adb8d6cf04874" UNIQUE ("lookup_id"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_83a9cb347ef1a0479410b867c0" ON "api_keys"  ("client_pk") `);
    await queryRunner.query(`CREATE INDEX "IDX_d49414d0f6caa082bd6bb1f4bc" ON "api_keys"  ("owner_id", "created_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "data_records" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "body" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b99a7c5b3594de765c089e82f89" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_92b7f53ec982e042a93e43d697" ON "data_records"  ("owner_id", "created_at", "id") `);
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_d93cc0e04cac89126b2155ba9bc" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_83a9cb347ef1a0479410b867c06" FOREIGN KEY ("client_pk") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "data_records" ADD CONSTRAINT "FK_2b71080bf7fde32c17a8e4b754c" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "data_records" DROP CONSTRAINT "FK_2b71080bf7fde32c17a8e4b754c"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_83a9cb347ef1a0479410b867c06"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_d93cc0e04cac89126b2155ba9bc"`);
    await queryRunner.query(`DROP INDEX "IDX_92b7f53ec982e042a93e43d697"`);
    await queryRunner.query(`DROP TABLE "data_records"`);
    await queryRunner.query(`DROP INDEX "IDX_d49414d0f6caa082bd6bb1f4bc"`);
    await queryRunner.query(`DROP INDEX "IDX_83a9cb347ef1a0479410b867c0"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
