import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 5: sign-in sessions, consents, authorization codes, grants (refresh-token families) and
 * refresh tokens, revoked access-token ids, and the audit trail.
 */
export class AuthorizationCodeFlow1764340000000 implements MigrationInterface {
  name = 'AuthorizationCodeFlow1764340000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" text NOT NULL, "actor_user_id" uuid, "actor_client_id" text, "target" text, "ip" text, "outcome" text NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_910f64d901a5c3e9878f0d4a407" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_46f9873edb2bcfdb1124f071fb" ON "audit_events"  ("type") `);
    await queryRunner.query(`CREATE INDEX "IDX_497bb4f7c4c55db9749616cd2a" ON "audit_events"  ("created_at") `);
    await queryRunner.query(
      `CREATE TABLE "authorization_codes" ("code_hash" bytea NOT NULL, "client_pk" uuid NOT NULL, "user_id" uuid NOT NULL, "grant_id" uuid NOT NULL, "redirect_uri" text NOT NULL, "redirect_uri_explicit" boolean NOT NULL DEFAULT true, "scopes" text array NOT NULL, "code_challenge" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2e198275bb8a2fe00f554be97a3" PRIMARY KEY ("code_hash"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "consents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "client_pk" uuid NOT NULL, "scopes" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_280c345befd69a204d2f485a859" UNIQUE ("user_id", "client_pk"), CONSTRAINT "PK_9efc68eb6aba7d638fb6ea034dd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "grants" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "client_pk" uuid NOT NULL, "scopes" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" text, CONSTRAINT "PK_a25f5f89eff8b3277f7969b7094" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_a93c0e8d4674d30eaa6bce45fd" ON "grants"  ("user_id", "client_pk") `);
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" bytea NOT NULL, "grant_id" uuid NOT NULL, "parent_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "successor_sealed" text, CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_8578bf8bd718bc77dd57134b1d" ON "refresh_tokens"  ("grant_id") `);
    await queryRunner.query(
      `CREATE TABLE "revoked_access_tokens" ("jti" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_340815421be58a8330570a1d6fb" PRIMARY KEY ("jti"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" bytea NOT NULL, "user_id" uuid NOT NULL, "csrf_secret" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_085d540d9f418cfbdc7bd55bb1" ON "sessions"  ("user_id") `);
    await queryRunner.query(
      `ALTER TABLE "authorization_codes" ADD CONSTRAINT "FK_634d37d9bdf909c1229d72754ea" FOREIGN KEY ("client_pk") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "authorization_codes" ADD CONSTRAINT "FK_68f8ccfda6bb17fb159cc965cce" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "consents" ADD CONSTRAINT "FK_946390b9024aba22cd1c1621430" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "consents" ADD CONSTRAINT "FK_ab58c8e5c2b0b7a647d92784e3d" FOREIGN KEY ("client_pk") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "grants" ADD CONSTRAINT "FK_501eb48e321a0f302707ec42aa3" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "grants" ADD CONSTRAINT "FK_b030d1513768a1cede9c22321e9" FOREIGN KEY ("client_pk") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_8578bf8bd718bc77dd57134b1de" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_8578bf8bd718bc77dd57134b1de"`);
    await queryRunner.query(`ALTER TABLE "grants" DROP CONSTRAINT "FK_b030d1513768a1cede9c22321e9"`);
    await queryRunner.query(`ALTER TABLE "grants" DROP CONSTRAINT "FK_501eb48e321a0f302707ec42aa3"`);
    await queryRunner.query(`ALTER TABLE "consents" DROP CONSTRAINT "FK_ab58c8e5c2b0b7a647d92784e3d"`);
    await queryRunner.query(`ALTER TABLE "consents" DROP CONSTRAINT "FK_946390b9024aba22cd1c1621430"`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" DROP CONSTRAINT "FK_68f8ccfda6bb17fb159cc965cce"`);
    await queryRunner.query(`ALTER TABLE "authorization_codes" DROP CONSTRAINT "FK_634d37d9bdf909c1229d72754ea"`);
    await queryRunner.query(`DROP INDEX "IDX_085d540d9f418cfbdc7bd55bb1"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "revoked_access_tokens"`);
    await queryRunner.query(`DROP INDEX "IDX_8578bf8bd718bc77dd57134b1d"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "IDX_a93c0e8d4674d30eaa6bce45fd"`);
    await queryRunner.query(`DROP TABLE "grants"`);
    await queryRunner.query(`DROP TABLE "consents"`);
    await queryRunner.query(`DROP TABLE "authorization_codes"`);
    await queryRunner.query(`DROP INDEX "IDX_497bb4f7c4c55db9749616cd2a"`);
    await queryRunner.query(`DROP INDEX "IDX_46f9873edb2bcfdb1124f071fb"`);
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
