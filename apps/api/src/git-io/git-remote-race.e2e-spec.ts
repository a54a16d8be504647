import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import {
  call,
  createProjectAs,
  insertVersion,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  type CallResult,
  type TestUser,
} from '../testing/api-test-app';
import { leaked, race, raceRuns, type Racer, startDelay } from '../testing/race';
import { startGitHttpServer, type GitHttpServer } from './testing/git-http-server';
import { SecretCipher } from '@forge/db';

const run = promisify(execFile);
const TOKEN = 'owner-token-0123456789abcdef';
const STRANGER_TOKEN = 'stranger-token-0123456789abcdef';
const GIT_TOKEN_KEY = 'a-test-key-for-git-tokens-0123456789';

type OwnerStep = 'set' | 'push' | 'get';
type StrangerStep = 'get' | 'set' | 'push';

/** What the owner's remote must be after its own steps: the test's model of GitPushService. */
interface ExpectedRemote {
  repo: string;
  branch: string;
  username: string;
  pushed: boolean;
}

/**
 * The git remote of a project is its owner's alone, also while the owner changes it: another
 * user's GET, PUT and push, fired in the middle of the owner's own set, push and delete, answer
 * 404 without a word of the remote and change nothing; the owner's deletion racing its own
 * calls ends in clean answers and no git_remotes row.
 */
describe('git remote races (e2e)', () => {
  let api: ApiTestApp;
  let server: GitHttpServer;
  let owner: TestUser;
  let stranger: TestUser;
  let repos = 0;
  const cipher = new SecretCipher(GIT_TOKEN_KEY, 'GIT_TOKEN_KEY');

  beforeAll(async () => {
    server = await startGitHttpServer(TOKEN);
    api = await startApiTestApp({ GIT_TOKEN_KEY, GIT_ALLOW_HTTP_LOOPBACK: 'true' });
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
    await server.createRepository('strangers');
  });

  afterAll(async () => {
    await api?.close();
    await server?.close();
  });

  /** A project of the owner's with one version, so there is something to push. */
  async function projectWithVersion(): Promise<string> {
    const id = await createProjectAs(api.url, owner, 'Pushed app');
    await insertVersion(api.db, id, 1);
    return id;
  }

  /** A fresh repository on the git server, with the remote settings that point at it. */
  async function nextRemote(): Promise<ExpectedRemote> {
    repos += 1;
    const repo = `owners-repo-${repos}`;
    await server.createRepository(repo);
    return { repo, branch: `owner/branch-${repos}`, username: `owner-bot-${repos}`, pushed: false };
  }

  const setRemote = (user: TestUser, id: string, remote: ExpectedRemote, token?: string) =>
    call(api.url, 'PUT', `/api/projects/${id}/git`, {
      cookie: user.cookie,
      body: {
        url: `${server.url}/${remote.repo}.git`,
        branch: remote.branch,
        username: remote.username,
        ...(token ? { token } : {}),
      },
    });
  const getRemote = (user: TestUser, id: string) =>
    call(api.url, 'GET', `/api/projects/${id}/git`, { cookie: user.cookie });
  const push = (user: TestUser, id: string) =>
    call(api.url, 'POST', `/api/projects/${id}/git/push`, { cookie: user.cookie });

  function strangerCall(step: StrangerStep, id: string): Promise<CallResult> {
    switch (step) {
      case 'get':
        return getRemote(stranger, id);
      case 'push':
        return push(stranger, id);
      case 'set':
        return call(api.url, 'PUT', `/api/projects/${id}/git`, {
          cookie: stranger.cookie,
          body: {
            url: `${server.url}/strangers.git`,
            branch: 'main',
            username: 'stranger',
            token: STRANGER_TOKEN,
          },
        });
    }
  }

  /** The commit `branch` points at in the server's `repo`, or null. */
  async function remoteHead(repo: string, branch: string): Promise<string | null> {
    const dir = join(server.root, `${repo}.git`);
    const found = await run('git', ['--git-dir', dir, 'rev-parse', '--verify', '-q', branch]).catch(
      () => null,
    );
    return found ? found.stdout.trim() : null;
  }

  /** Everything of the owner's remote a stranger's answer must not show. */
  async function secretsOf(remote: ExpectedRemote): Promise<string[]> {
    const head = await remoteHead(remote.repo, remote.branch);
    return [remote.repo, remote.branch, remote.username, TOKEN, ...(head ? [head] : [])];
  }

  async function remoteRows(id: string) {
    return api.db.query<{
      url: string;
      branch: string;
      username: string;
      token_ciphertext: string | null;
      pushed_version: number | null;
      last_commit: string | null;
    }>(
      `SELECT url, branch, username, token_ciphertext, pushed_version, last_commit
       FROM git_remotes WHERE project_id = $1`,
      [id],
    );
  }

  /** The remote as the owner's steps left it, read through the API and in the database. */
  async function expectRemote(id: string, expected: ExpectedRemote): Promise<void> {
    const head = expected.pushed ? await remoteHead(expected.repo, expected.branch) : null;
    const shown = await getRemote(owner, id);
    expect(shown.status).toBe(200);
    expect(shown.body.remote).toMatchObject({
      url: `${server.url}/${expected.repo}.git`,
      branch: expected.branch,
      username: expected.username,
      tokenSet: true,
      pushedVersion: expected.pushed ? 1 : null,
      lastCommit: head,
    });
    const [row] = await remoteRows(id);
    expect(cipher.open(row!.token_ciphertext!, id)).toBe(TOKEN);
  }

  it("answers 404 to another user on every git route, with nothing of the owner's remote", async () => {
    const id = await projectWithVersion();
    const remote = await nextRemote();
    expect((await setRemote(owner, id, remote, TOKEN)).status).toBe(200);
    expect((await push(owner, id)).status).toBe(200);
    const secrets = await secretsOf(remote);
    const requestsBefore = server.requests.length;

    for (const step of ['get', 'set', 'push'] as const) {
      const answer = await strangerCall(step, id);
      expect({ step, status: answer.status, code: answer.body.code }).toEqual({
        step,
        status: 404,
        code: 'PROJECT_NOT_FOUND',
      });
      expect(leaked(answer.body, secrets)).toEqual([]);
    }
    // The stranger's push reached no git server, and its settings were not kept.
    expect(server.requests.length).toBe(requestsBefore);
    await expectRemote(id, { ...remote, pushed: true });
  });

  it("races another user's calls against the owner's set, push and get: 404s, no leak, no change", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<OwnerStep>('set', 'push', 'get'), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            step: fc.constantFrom<StrangerStep>('get', 'set', 'push'),
            after: startDelay,
          }),
          { minLength: 2, maxLength: 6 },
        ),
        async (ownerSteps, strangerSteps) => {
          const id = await projectWithVersion();
          let expected = await nextRemote();
          expect((await setRemote(owner, id, expected, TOKEN)).status).toBe(200);
          const remotes: ExpectedRemote[] = [expected];
          // The owner's steps run one after the other, so what they leave is known.
          const ownerRun = async (): Promise<CallResult[]> => {
            const answers: CallResult[] = [];
            for (const step of ownerSteps) {
              if (step === 'set') {
                const next = await nextRemote();
                remotes.push(next);
                // Every other set keeps the token it does not give.
                const answer = await setRemote(owner, id, next, remotes.length % 2 ? TOKEN : '');
                expected = next;
                answers.push(answer);
              } else if (step === 'push') {
                answers.push(await push(owner, id));
                expected = { ...expected, pushed: true };
              } else {
                answers.push(await getRemote(owner, id));
              }
            }
            return answers;
          };
          const strangerRacers: Racer<CallResult>[] = strangerSteps.map(({ step, after }) => ({
            after,
            run: () => strangerCall(step, id),
          }));
          const [ownerAnswers, strangerAnswers] = await Promise.all([
            ownerRun(),
            race(strangerRacers),
          ]);

          expect(ownerAnswers.map((answer) => answer.status)).toEqual(ownerSteps.map(() => 200));
          const secrets = (await Promise.all(remotes.map(secretsOf))).flat();
          for (const answer of strangerAnswers) {
            expect(answer.status).toBe(404);
            expect(leaked(answer.body, secrets)).toEqual([]);
          }
          await expectRemote(id, expected);
          expect(server.requests.some((request) => request.path.includes('/strangers.git'))).toBe(
            false,
          );
        },
      ),
      raceRuns(12),
    );
  });

  it("races the project's deletion against its owner's own get, set and push: clean answers, no row left", async () => {
    const ownerStep = fc.record({
      step: fc.constantFrom<OwnerStep>('get', 'set', 'push'),
      after: startDelay,
    });
    await fc.assert(
      fc.asyncProperty(
        startDelay,
        fc.uniqueArray(ownerStep, { minLength: 1, maxLength: 3, selector: (s) => s.step }),
        fc.boolean(),
        async (deleteAfter, ownerSteps, pushedBefore) => {
          const id = await projectWithVersion();
          const remote = await nextRemote();
          expect((await setRemote(owner, id, remote, TOKEN)).status).toBe(200);
          if (pushedBefore) {
            expect((await push(owner, id)).status).toBe(200);
          }
          const racers: Racer<{ step: string; answer: CallResult }>[] = [
            {
              after: deleteAfter,
              run: async () => ({
                step: 'delete',
                answer: await call(api.url, 'DELETE', `/api/projects/${id}`, {
                  cookie: owner.cookie,
                }),
              }),
            },
            ...ownerSteps.map(({ step, after }) => ({
              after,
              run: async () => {
                if (step === 'set') {
                  // Another branch of the same repository: nothing to make first, so the
                  // set starts when it was picked to.
                  const moved = { ...remote, branch: `${remote.branch}-moved` };
                  return { step, answer: await setRemote(owner, id, moved, TOKEN) };
                }
                const answer = step === 'push' ? await push(owner, id) : await getRemote(owner, id);
                return { step, answer };
              },
            })),
          ];
          const allowed: Record<string, number[]> = {
            delete: [204],
            get: [200, 404],
            set: [200, 404],
            // 409: the versions went with the project before the push read them.
            push: [200, 404, 409],
          };
          for (const { step, answer } of await race(racers)) {
            expect({
              step,
              status: answer.status,
              allowed: allowed[step]!.includes(answer.status),
            }).toEqual({ step, status: answer.status, allowed: true });
          }
          expect(await remoteRows(id)).toEqual([]);
          expect((await getRemote(owner, id)).status).toBe(404);
        },
      ),
      raceRuns(15),
    );
  });
});
