import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, OAuth clients and their secrets, signing keys, settings. */
export class Initial1764320000000 implements MigrationInterface {
  name = 'Initial1764320000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL DEFAULT '', "password_hash" text NOT NULL, "role" text NOT NULL DEFAULT 'developer', "status" text NOT NULL DEFAULT 'active', "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "client_secrets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_pk" uuid NOT NULL, "secret_hash" bytea NOT NULL, "hint" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_528f9011d942fe4285af16c1df5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_901748842d488879a476d9bad1" ON "client_secrets"  ("client_pk") `);
    await queryRunner.query(
      `CREATE TABLE "clients" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_id" text NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "owner_id" uuid, "grant_types" text array NOT NULL DEFAULT '{}', "scopes" text array NOT NULL DEFAULT '{}', "redirect_uris" text array NOT NULL DEFAULT '{}', "first_party" boolean NOT NULL DEFAULT false, "status" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_49e91f1e368e3f760789e7764aa" UNIQUE ("client_id"), CONSTRAINT "PK_f1ab7cf3a5714dbc6bb4e1c28a4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("kid" text NOT NULL, "alg" text NOT NULL, "public_jwk" jsonb NOT NULL, "private_key_enc" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "activates_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "settings" ("key" text NOT NULL, "value" text NOT NULL, CONSTRAINT "PK_c8639b7626fa94ba8265628f214" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "client_secrets" ADD CONSTRAINT "FK_901748842d488879a476d9bad13" FOREIGN KEY ("client_pk") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "clients" ADD CONSTRAINT "FK_fe0ecb806e3c381981349ac237b" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" DROP CONSTRAINT "FK_fe0ecb806e3c381981349ac237b"`);
    await queryRunner.query(`ALTER TABLE "client_secrets" DROP CONSTRAINT "FK_901748842d488879a476d9bad13"`);
    await queryRunner.query(`DROP TABLE "settings"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
    await queryRunner.query(`DROP TABLE "clients"`);
    await queryRunner.query(`DROP INDEX "IDX_901748842d488879a476d9bad1"`);
    await queryRunner.query(`DROP TABLE "client_secrets"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
