import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17, items 1 and 4. `shown_once`: a secret the portal shows once after a redirect
 * (post/redirect/get), sealed with a key derived from MASTER_KEY, bound to the session, deleted when
 * shown or a few minutes later. `clients.last_used_at`: when the application last obtained a token
 * (written in batches, like `api_keys.last_used_at`).
 */
export class ShownOnceAndLastUse1765020000000 implements MigrationInterface {
  name = 'ShownOnceAndLastUse1765020000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "shown_once" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "kind" text NOT NULL, "subject" text NOT NULL, "sealed" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_shown_once_id" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_959013ab1cc6a9030ed079889f" ON "shown_once" ("session_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_3ba050a69ff3ceadbd48af4a3d" ON "shown_once" ("expires_at") `);
    await queryRunner.query(
      `ALTER TABLE "shown_once" ADD CONSTRAINT "FK_959013ab1cc6a9030ed079889f2" FOREIGN KEY ("session_id") REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "clients" ADD "last_used_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "clients" DROP COLUMN "last_used_at"`);
    await queryRunner.query(`DROP TABLE "shown_once"`);
  }
}
