import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@forge/db';
import { type ServerEvent } from '@forge/protocol';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { agentStoreOn } from '../testing/agent-store-on';
import { createProject } from '../testing/runner-test-app';
import { EventHub, SEQ_RESERVATION_AHEAD, SEQ_RESERVATION_BLOCK } from './event-hub';

describe('event hub (e2e)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let hub: EventHub;
  let seen: ServerEvent[];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: db.url, poolSize: 4 }));
    await dataSource.initialize();
    hub = new EventHub(agentStoreOn(dataSource));
    seen = [];
    hub.subscribe((event) => seen.push(event));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const lastSeq = async (projectId: string) =>
    Number(
      (
        await db.query<{ last_seq: string }>(
          `SELECT last_seq FROM agent_states WHERE project_id = $1`,
          [projectId],
        )
      )[0]!.last_seq,
    );

  async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await probe())) {
      if (Date.now() > deadline) {
        throw new Error(`waited 10 s for ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const log = (text: string) => ({ type: 'log' as const, stream: 'system' as const, text });

  it('reserves the next block ahead of need, and waits for it only when it runs out', async () => {
    const projectId = await createProject(db);
    hub.open(projectId, 0);
    // Up to where the next block is not asked for yet.
    const first = await Promise.all(
      Array.from({ length: SEQ_RESERVATION_BLOCK - SEQ_RESERVATION_AHEAD - 1 }, (_, i) =>
        hub.emit(projectId, log(`event ${i}`)),
      ),
    );
    expect(first.map((event) => event.seq)).toEqual(first.map((_, i) => i + 1));
    expect(await lastSeq(projectId)).toBe(SEQ_RESERVATION_BLOCK);

    // The next event asks for the next block; held up by a lock, the numbers left still go out.
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM agent_states WHERE project_id = $1 FOR UPDATE`, [projectId]);
    const rest = await Promise.all(
      Array.from({ length: SEQ_RESERVATION_AHEAD + 1 }, (_, i) => hub.emit(projectId, log(`${i}`))),
    );
    expect(rest.at(-1)!.seq).toBe(SEQ_RESERVATION_BLOCK);
    // ...while the reservation of the next block, asked for before any event needed it, waits.
    await until(async () => {
      const waiting = await db.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
         AND wait_event_type = 'Lock' AND query LIKE 'UPDATE agent_states SET last_seq%'`,
      );
      return waiting.length > 0;
    }, 'the next block to be asked for');
    let beyond: ServerEvent | null = null;
    const waiting = hub.emit(projectId, log('past the block')).then((event) => (beyond = event));
    await locker.query('SELECT 1');
    expect(beyond).toBeNull();
    await locker.query('COMMIT');
    await locker.end();
    await waiting;
    expect(beyond!.seq).toBe(SEQ_RESERVATION_BLOCK + 1);
    expect(await lastSeq(projectId)).toBe(2 * SEQ_RESERVATION_BLOCK);

    const mine = seen.filter((event) => event.projectId === projectId).map((event) => event.seq);
    expect(mine).toEqual(mine.map((_, i) => i + 1));
  });

  it('starts past the reservation a previous runner made', async () => {
    const projectId = await createProject(db);
    await db.query(`UPDATE agent_states SET last_seq = 3000 WHERE project_id = $1`, [projectId]);
    hub.open(projectId, await lastSeq(projectId));
    expect((await hub.emit(projectId, log('first'))).seq).toBe(3001);
    expect(await lastSeq(projectId)).toBe(3000 + SEQ_RESERVATION_BLOCK);
  });
});
