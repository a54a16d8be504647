import fc from 'fast-check';
import { type CommandAck, ErrorCode, type LiveCommandName } from '@forge/protocol';
import { type TestDatabase } from '../../../../test/support/test-database';
import { call, signUp, type TestUser } from '../testing/api-test-app';
import { type DemoStack, type StackServer, startDemoStack } from './testing/live-stack';
import { TestBrowser } from './testing/test-browser';

type Target = 'own' | 'other';
interface Step {
  user: 0 | 1;
  target: Target;
  command: LiveCommandName;
}

/** What a user may do to its own project without side effects, and everything to another's. */
const OWN_COMMANDS: LiveCommandName[] = ['join', 'get_state', 'leave'];
const ANY_COMMAND: LiveCommandName[] = [
  'join',
  'get_state',
  'leave',
  'generate',
  'cancel',
  'save_file',
  'rollback',
];
const LEAKED_FILE = 'src/Leaked.tsx';

function payloadOf(command: LiveCommandName, projectId: string): Record<string, unknown> {
  switch (command) {
    case 'generate':
      return { projectId, description: 'Replace everything with a page that says pwned' };
    case 'save_file':
      return { projectId, path: LEAKED_FILE, content: 'export const leaked = true;\n' };
    case 'rollback':
      return { projectId, version: 1 };
    default:
      return { projectId };
  }
}

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    user: fc.constantFrom<0 | 1>(0, 1),
    target: fc.constant<Target>('own'),
    command: fc.constantFrom(...OWN_COMMANDS),
  }),
  fc.record({
    user: fc.constantFrom<0 | 1>(0, 1),
    target: fc.constant<Target>('other'),
    command: fc.constantFrom(...ANY_COMMAND),
  }),
);

/**
 * The join race of issue 13: a socket that sends `join` for another user's project and, in the
 * same breath, other commands must get nothing of that project. Sequences from two users are
 * pipelined without waiting for any answer, so every command races the join's ownership check.
 */
describe('joining a project races every command (e2e, property)', () => {
  let stack: DemoStack;
  let db: TestDatabase;
  let api: StackServer;
  const users: TestUser[] = [];
  const projects: string[] = [];
  const tabs: TestBrowser[] = [];

  beforeAll(async () => {
    stack = await startDemoStack();
    ({ db, api } = stack);
    for (const name of ['Alice app', 'Bob app']) {
      const user = await signUp(api.url);
      const created = await call(api.url, 'POST', '/api/projects', {
        cookie: user.cookie,
        body: { name },
      });
      users.push(user);
      projects.push(created.body.id as string);
      tabs.push(await TestBrowser.connect(api.url, { cookie: user.cookie }));
    }
  });

  afterAll(async () => {
    for (const tab of tabs) {
      tab.close();
    }
    await stack.close();
  });

  it('never lets a pipelined command through a pending join of another user’s project', async () => {
    let commands = 0;
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 16 }), async (steps) => {
        const answers = steps.map((step) => {
          const owner = step.target === 'own' ? step.user : 1 - step.user;
          const tab = tabs[step.user]!;
          const projectId = projects[owner]!;
          return new Promise<{ step: Step; ack: CommandAck }>((resolve, reject) => {
            tab.socket
              .timeout(20_000)
              .emit(
                step.command,
                payloadOf(step.command, projectId),
                (error: Error | null, ack: unknown) =>
                  error ? reject(error) : resolve({ step, ack: ack as CommandAck }),
              );
          });
        });
        for (const { step, ack } of await Promise.all(answers)) {
          commands++;
          if (step.target === 'own' || step.command === 'leave') {
            expect({ step, ack }).toEqual({ step, ack: { ok: true } });
            continue;
          }
          refusals++;
          expect({ step, ack }).toMatchObject({
            step,
            ack: { ok: false, error: { code: ErrorCode.ProjectNotFound } },
          });
        }
        // Nothing of the other user's project reached either tab, now or in an earlier round.
        for (const [user, tab] of tabs.entries()) {
          const foreign = projects[1 - user]!;
          expect(tab.snapshots.filter((snapshot) => snapshot.projectId === foreign)).toEqual([]);
          expect(tab.eventsOf(foreign)).toEqual([]);
        }
      }),
      { numRuns: 250 },
    );
    // Thousands of commands raced, most of them refused.
    expect(commands).toBeGreaterThan(1_000);
    expect(refusals).toBeGreaterThan(500);

    for (const projectId of projects) {
      const [row] = await db.query<{ state: string; messages: string; files: string }>(
        `SELECT s.state,
           (SELECT count(*) FROM conversation_messages m WHERE m.project_id = s.project_id) AS messages,
           (SELECT count(*) FROM generated_files f WHERE f.project_id = s.project_id) AS files
         FROM agent_states s WHERE s.project_id = $1`,
        [projectId],
      );
      expect(row).toEqual({ state: 'IDLE', messages: '0', files: '0' });
    }

    // The owner's next generation reaches the owner's tab, and none of it the other user's.
    const [alice, bob] = tabs as [TestBrowser, TestBrowser];
    expect(await alice.join(projects[0]!)).toEqual({ ok: true });
    expect(
      await alice.command('generate', { projectId: projects[0], description: 'A todo list' }),
    ).toEqual({ ok: true });
    await alice.waitForEvent(projects[0]!, 'generation_complete');
    expect(bob.eventsOf(projects[0]!)).toEqual([]);
    expect(bob.snapshots.filter((snapshot) => snapshot.projectId === projects[0])).toEqual([]);
  });
});
