import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * When a published app's server part was last asked for, by any API replica through any
 * runner: a runner stops a server part nobody asked for within its idle timeout
 * (PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS), and only then. NULL: never asked for.
 */
export class PublishedServerUse1765000000007 implements MigrationInterface {
  name = 'PublishedServerUse1765000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "publications" ADD COLUMN "server_used_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "publications" DROP COLUMN "server_used_at"`);
  }
}
