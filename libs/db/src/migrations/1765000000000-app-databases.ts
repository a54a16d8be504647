import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The projects' own databases (issue 19): one row per project that has one, with its role's
 * password. No foreign key to projects on purpose: the row outlives a deleted project until
 * its database and role are dropped (at once, or by the runner's reaper).
 */
export class AppDatabases1765000000000 implements MigrationInterface {
  name = 'AppDatabases1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "app_databases" (
      "project_id" uuid NOT NULL PRIMARY KEY,
      "database_name" text NOT NULL,
      "role_name" text NOT NULL,
      "password" text NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "app_databases"`);
  }
}
