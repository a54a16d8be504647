import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The model a request chose (null: the runner's configured one), kept for a resumed run. */
export class RequestModel1765000000003 implements MigrationInterface {
  name = 'RequestModel1765000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agent_states" ADD COLUMN "request_model" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "agent_states" DROP COLUMN "request_model"`);
  }
}
