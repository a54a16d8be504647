import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Published apps (their builds' files stored byte for byte) and read-only share links. */
export class PublishAndShare1765000000002 implements MigrationInterface {
  name = 'PublishAndShare1765000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "publications" (
      "project_id" uuid NOT NULL PRIMARY KEY REFERENCES "projects" ("id") ON DELETE CASCADE,
      "slug" varchar(63) NOT NULL,
      "visibility" varchar(16) NOT NULL CHECK ("visibility" IN ('public', 'unlisted', 'private')),
      "access_token" text NOT NULL,
      "version_number" integer NOT NULL,
      "build_id" uuid NOT NULL,
      "bytes" integer NOT NULL,
      "file_count" integer NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "updated_at" timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT "publications_slug_key" UNIQUE ("slug"))`);

    await q.query(`CREATE TABLE "publication_files" (
      "build_id" uuid NOT NULL,
      "path" text NOT NULL,
      "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "content" bytea NOT NULL,
      PRIMARY KEY ("build_id", "path"))`);
    await q.query(
      `CREATE INDEX "publication_files_project_idx" ON "publication_files" ("project_id")`,
    );

    await q.query(`CREATE TABLE "share_links" (
      "token" text NOT NULL PRIMARY KEY,
      "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "created_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX "share_links_project_idx" ON "share_links" ("project_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "share_links"`);
    await q.query(`DROP TABLE "publication_files"`);
    await q.query(`DROP TABLE "publications"`);
  }
}
