import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Binary files (images, fonts) are stored as the base64 of their bytes in `content`, marked by
 * `encoding`; text files keep 'utf8'. Versions keep the same `encoding` on each file of their
 * jsonb list (absent for text), so no change there. agent_states.deleted_paths remembers what
 * the agent deleted, so that a starter file it removed does not come back from the template.
 */
export class FileEncoding1765000000001 implements MigrationInterface {
  name = 'FileEncoding1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "generated_files" ADD COLUMN "encoding" varchar(8) NOT NULL DEFAULT 'utf8'
         CONSTRAINT "generated_files_encoding_check" CHECK ("encoding" IN ('utf8', 'base64'))`,
    );
    await q.query(
      `ALTER TABLE "agent_states" ADD COLUMN "deleted_paths" jsonb NOT NULL DEFAULT '[]'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agent_states" DROP COLUMN "deleted_paths"`);
    // Binary files cannot be told from text without the column: they go with it.
    await q.query(`DELETE FROM "generated_files" WHERE "encoding" <> 'utf8'`);
    await q.query(`ALTER TABLE "generated_files" DROP COLUMN "encoding"`);
  }
}
