import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * git_remotes: one per project that was pushed to git (URL, branch, the encrypted token, the
 * last version and commit pushed). generated_files.encoding is the binary-files column (the same
 * definition, IF NOT EXISTS): imports keep binary files as base64 whichever migration ran first.
 */
export class GitRemotes1765200000000 implements MigrationInterface {
  name = 'GitRemotes1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "generated_files" ADD COLUMN IF NOT EXISTS "encoding" varchar(8) NOT NULL DEFAULT 'utf8'
         CONSTRAINT "generated_files_encoding_check" CHECK ("encoding" IN ('utf8', 'base64'))`,
    );
    await q.query(`CREATE TABLE "git_remotes" (
      "project_id" uuid NOT NULL PRIMARY KEY REFERENCES "projects" ("id") ON DELETE CASCADE,
      "url" text NOT NULL,
      "branch" text NOT NULL,
      "username" text NOT NULL DEFAULT 'forge',
      "token_ciphertext" text,
      "pushed_version" integer,
      "last_commit" text,
      "last_pushed_at" timestamptz,
      "updated_at" timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "git_remotes"`);
  }
}
