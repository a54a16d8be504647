import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * git_remotes: one per project that was pushed to git (URL, branch, the encrypted token, the
 * last version and commit pushed).
 */
export class GitRemotes1765000000005 implements MigrationInterface {
  name = 'GitRemotes1765000000005';

  async up(q: QueryRunner): Promise<void> {
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
