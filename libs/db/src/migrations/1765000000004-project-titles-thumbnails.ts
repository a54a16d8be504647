import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A project's name may come from the design call's title until its owner renames it
 * (`renamed`), and a project keeps one thumbnail of its preview, taken when a version is
 * recorded, apart from the project row so the project list stays light.
 */
export class ProjectTitlesThumbnails1765000000004 implements MigrationInterface {
  name = 'ProjectTitlesThumbnails1765000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "projects" ADD COLUMN "renamed" boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE TABLE "project_thumbnails" (
      "project_id" uuid NOT NULL PRIMARY KEY REFERENCES "projects" ("id") ON DELETE CASCADE,
      "version_number" integer NOT NULL,
      "media_type" varchar(32) NOT NULL,
      "image" bytea NOT NULL,
      "taken_at" timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "project_thumbnails"`);
    await q.query(`ALTER TABLE "projects" DROP COLUMN "renamed"`);
  }
}
