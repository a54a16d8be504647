import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@forge/db';
import { type ServerEvent } from '@forge/protocol';
import { type Sandbox, type SandboxFile } from '@forge/sandbox';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { EventHub } from '../events/event-hub';
import { createProject, savedFiles } from '../testing/runner-test-app';
import { agentStoreOn } from '../testing/agent-store-on';
import { type AgentSnapshotRow, AgentStore, LeaseLostError } from './agent-store';
import { createImplementationSink, type PhaseSink, type SinkOwner } from './implementation-sink';

const RUNNER = 'runner-sink-test';

/** An open transaction holding the project's agent_states row: saves to it wait. */
async function lockRow(db: TestDatabase, projectId: string): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM agent_states WHERE project_id = $1 FOR UPDATE`, [projectId]);
  return async () => {
    await client.query('COMMIT');
    await client.end();
  };
}

describe('implementation sink (e2e)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: AgentStore;
  let hub: EventHub;
  let events: ServerEvent[];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions({ url: db.url, poolSize: 4 }));
    await dataSource.initialize();
    store = agentStoreOn(dataSource);
    hub = new EventHub(store);
    hub.subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });
  beforeEach(() => {
    events = [];
  });

  /** A leased project in phase 1 and a sink working for it, as the agent sets one up. */
  async function phaseSink(
    sandbox: Sandbox | null = null,
    sandboxReady?: Promise<void>,
  ): Promise<{ projectId: string; sink: PhaseSink; owner: SinkOwner }> {
    const projectId = await createProject(db);
    await db.query(
      `UPDATE agent_states SET state = 'IMPLEMENTING_PHASE', current_phase = 1, lease_owner = $2,
       lease_expires_at = now() + interval '1 hour' WHERE project_id = $1`,
      [projectId, RUNNER],
    );
    const row = (await store.load(projectId)) as AgentSnapshotRow;
    hub.open(projectId, row.lastSeq);
    // Numbers are reserved on the project's row too: take the first block before any lock.
    await hub.emit(projectId, {
      type: 'state_change',
      state: 'IMPLEMENTING_PHASE',
      previous: 'DESIGNING_PHASE',
    });
    events.length = 0;
    const owner: SinkOwner = {
      runnerId: RUNNER,
      store,
      row,
      emit: async (event) => {
        await hub.emit(projectId, event);
      },
    };
    return {
      projectId,
      owner,
      sink: createImplementationSink(owner, 1, sandbox, sandboxReady),
    };
  }

  const kinds = (projectId: string) =>
    events
      .filter((event) => event.projectId === projectId)
      .map((event) => ('path' in event ? `${event.type} ${event.path}` : event.type));

  it('streams on while a closed file is saved, and announces it once saved', async () => {
    const { projectId, sink, owner } = await phaseSink();
    const release = await lockRow(db, projectId);
    await sink.fileStarted('src/a.ts');
    await sink.fileChunk('src/a.ts', 'export const a = 1;\n');
    await sink.fileClosed('src/a.ts', 'export const a = 1;\n');
    // The save waits on the lock; the next file's chunks do not.
    await sink.fileStarted('src/b.ts');
    await sink.fileChunk('src/b.ts', 'export const b = 2;\n');
    expect(kinds(projectId)).toEqual([
      'file_start src/a.ts',
      'file_chunk src/a.ts',
      'file_start src/b.ts',
      'file_chunk src/b.ts',
    ]);
    expect(await savedFiles(db, projectId)).toEqual({});
    // The phase counts it as written already (a retried stream skips it).
    expect(owner.row.filesInFlight).toEqual(['src/a.ts']);

    await release();
    await sink.flush();
    expect(kinds(projectId).at(-1)).toBe('file_end src/a.ts');
    expect(await savedFiles(db, projectId)).toEqual({ 'src/a.ts': 'export const a = 1;\n' });
    const [state] = await db.query<{ files_in_flight: string[]; version: number }>(
      `SELECT files_in_flight, version FROM agent_states WHERE project_id = $1`,
      [projectId],
    );
    expect(state!.files_in_flight).toEqual(['src/a.ts']);
    // The agent's row moved with the saves: its next update passes the version check.
    expect(owner.row.version).toBe(state!.version);
    await store.update(owner.row, RUNNER, { state: 'INSTALLING_DEPS' });
  });

  it('saves the files closed meanwhile together, each path as it ended', async () => {
    const { projectId, sink, owner } = await phaseSink();
    const versionBefore = owner.row.version;
    const release = await lockRow(db, projectId);
    await sink.fileClosed('a.txt', 'one');
    // The first save is under way (and waits); these queue behind it.
    await new Promise((resolve) => setImmediate(resolve));
    await sink.fileClosed('b.txt', 'two');
    await sink.fileClosed('c.txt', 'three');
    await sink.fileDeleted('b.txt');
    await sink.fileClosed('c.txt', 'three, again');
    await release();
    await sink.flush();

    expect(await savedFiles(db, projectId)).toEqual({ 'a.txt': 'one', 'c.txt': 'three, again' });
    expect(owner.row.version).toBe(versionBefore + 2);
    expect(owner.row.filesInFlight).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(kinds(projectId)).toEqual([
      'file_end a.txt',
      'file_end b.txt',
      'file_end c.txt',
      'file_deleted b.txt',
      'file_end c.txt',
    ]);
  });

  it('stops the stream when the lease is lost, and reports it at the next flush once', async () => {
    const { projectId, sink, owner } = await phaseSink();
    await db.query(`UPDATE agent_states SET lease_owner = 'someone-else' WHERE project_id = $1`, [
      projectId,
    ]);
    await sink.fileClosed('lost.txt', 'never saved');
    await expect(sink.flush()).rejects.toBeInstanceOf(LeaseLostError);
    await expect(sink.fileChunk('next.txt', 'x')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(sink.restarting('again')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(await savedFiles(db, projectId)).toEqual({});
    expect(owner.row.filesInFlight).toEqual([]);
    expect(kinds(projectId)).toEqual([]);
  });

  it('writes files into the sandbox only once the early install is over, saved first', async () => {
    const written: string[] = [];
    // Only the calls the sink makes; anything else would throw.
    const sandbox = {
      writeFiles: async (files: SandboxFile[]) => {
        written.push(...files.map((file) => file.path));
      },
    } as unknown as Sandbox;
    let installed!: () => void;
    const install = new Promise<void>((resolve) => (installed = resolve));
    const { projectId, sink } = await phaseSink(sandbox, install);
    await sink.fileClosed('src/store.ts', "import { configureStore } from '@reduxjs/toolkit';\n");
    await sink.fileClosed('src/App.tsx', 'export default () => null;\n');
    // Saved while the install runs, but neither in the sandbox nor announced.
    await waitUntil(async () => Object.keys(await savedFiles(db, projectId)).length > 0);
    expect(written).toEqual([]);
    expect(kinds(projectId).filter((kind) => kind.startsWith('file_end'))).toEqual([]);

    installed();
    await sink.flush();
    expect(written).toEqual(['src/store.ts', 'src/App.tsx']);
    expect(kinds(projectId)).toEqual(['file_end src/store.ts', 'file_end src/App.tsx']);
  });

  it('saves what is queued before a retried stream starts', async () => {
    const { projectId, sink } = await phaseSink();
    await sink.fileClosed('kept.txt', 'kept');
    await sink.restarting('the stream broke; asking again');
    expect(await savedFiles(db, projectId)).toEqual({ 'kept.txt': 'kept' });
    expect(kinds(projectId)).toEqual(['file_end kept.txt', 'log']);
  });
});

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error('the condition did not come true within 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
