import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: lineage of clients and API keys (how each was made: `created_via`, the consent and the app
 * it was made through). Existing rows keep NULL in all three: made before lineage was recorded, they
 * belong to their owner directly and stop only with the owner (or their own client), as before.
 */
export class CredentialLineage1764360000000 implements MigrationInterface {
  name = 'CredentialLineage1764360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, prefix] of TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "created_via" text`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD "parent_grant_id" uuid`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD "parent_client_pk" uuid`);
      await queryRunner.query(`CREATE INDEX "IDX_${prefix.grant}" ON "${table}" ("parent_grant_id")`);
      await queryRunner.query(`CREATE INDEX "IDX_${prefix.client}" ON "${table}" ("parent_client_pk")`);
      await queryRunner.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "FK_${prefix.fk}" FOREIGN KEY ("parent_client_pk") REFERENCES "clients"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, prefix] of [...TABLES].reverse()) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP CONSTRAINT "FK_${prefix.fk}"`);
      await queryRunner.query(`DROP INDEX "IDX_${prefix.client}"`);
      await queryRunner.query(`DROP INDEX "IDX_${prefix.grant}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "parent_client_pk"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "parent_grant_id"`);
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "created_via"`);
    }
  }
}

/** TypeORM's names for the indexes and foreign keys of the entities (what migration:check compares). */
const TABLES: [string, { grant: string; client: string; fk: string }][] = [
  ['clients', { grant: '1eede12dc82570dfa54e1defee', client: 'f75bb61fbe0a1d6a93551b9705', fk: 'f75bb61fbe0a1d6a93551b97050' }],
  ['api_keys', { grant: '042c76a2ec99d43f35f174469c', client: '95c2ad099b26e490f27bae65b5', fk: '95c2ad099b26e490f27bae65b55' }],
];
