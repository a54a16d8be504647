import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A published build's server part (its /api), one ES module, kept with the publication: it is
 * not a file of the site (publication_files are served to anyone), and a runner reads it to
 * start the app's server. NULL: the app has no server part.
 */
export class PublishedServers1765000000006 implements MigrationInterface {
  name = 'PublishedServers1765000000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "publications" ADD COLUMN "server_bundle" bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "publications" DROP COLUMN "server_bundle"`);
  }
}
