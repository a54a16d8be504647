import fc from 'fast-check';
import {
  call,
  type CallResult,
  createProjectAs,
  insertVersion,
  signUp,
  startApiTestApp,
  type ApiTestApp,
  type TestUser,
} from '../testing/api-test-app';
import { leaked, race, raceRuns, type Racer, startDelay } from '../testing/race';

type OwnerStep = 'create' | 'revoke' | 'list';
/** `revoke-via-own`: the owner's token revoked through the stranger's own project's route. */
type StrangerStep = 'list' | 'create' | 'revoke' | 'revoke-via-own';

/**
 * A project's share links are its owner's to list, make and revoke, also while the owner is
 * doing so: another user's calls answer 404 without a token and change no link, and the
 * owner's deletion racing its own link calls (and a link holder's view and remix) ends in clean
 * answers and no share_links row. Remix against revoke has its own race in share.e2e-spec.ts.
 */
describe('share link races (e2e)', () => {
  let api: ApiTestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let strangersProject: string;

  beforeAll(async () => {
    api = await startApiTestApp();
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
    strangersProject = await createProject(stranger);
  });

  afterAll(() => api?.close());

  async function createProject(user: TestUser): Promise<string> {
    const id = await createProjectAs(api.url, user, 'Shared app');
    await insertVersion(api.db, id, 1);
    return id;
  }

  const links = (user: TestUser, id: string) =>
    call(api.url, 'GET', `/api/projects/${id}/share-links`, { cookie: user.cookie });
  const createLink = (user: TestUser, id: string) =>
    call(api.url, 'POST', `/api/projects/${id}/share-links`, { cookie: user.cookie });
  const revoke = (user: TestUser, id: string, token: string) =>
    call(api.url, 'DELETE', `/api/projects/${id}/share-links/${token}`, { cookie: user.cookie });

  async function newToken(id: string): Promise<string> {
    const created = await createLink(owner, id);
    expect(created.status).toBe(201);
    return created.body.token;
  }

  async function tokensInDatabase(id: string): Promise<string[]> {
    const rows = await api.db.query<{ token: string }>(
      `SELECT token FROM share_links WHERE project_id = $1 ORDER BY token`,
      [id],
    );
    return rows.map((row) => row.token);
  }

  function strangerCall(step: StrangerStep, id: string, target: string): Promise<CallResult> {
    switch (step) {
      case 'list':
        return links(stranger, id);
      case 'create':
        return createLink(stranger, id);
      case 'revoke':
        return revoke(stranger, id, target);
      case 'revoke-via-own':
        return revoke(stranger, strangersProject, target);
    }
  }

  it("answers 404 to another user on every link route, with none of the owner's tokens", async () => {
    const id = await createProject(owner);
    const tokens = [await newToken(id), await newToken(id)];
    for (const step of ['list', 'create', 'revoke', 'revoke-via-own'] as const) {
      const answer = await strangerCall(step, id, tokens[0]!);
      expect({ step, status: answer.status }).toEqual({ step, status: 404 });
      expect(leaked(answer.body, tokens)).toEqual([]);
    }
    expect(await tokensInDatabase(id)).toEqual([...tokens].sort());
    expect(await tokensInDatabase(strangersProject)).toEqual([]);
  });

  it("races another user's calls against the owner's create, revoke and list: 404s, no token, no change", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<OwnerStep>('create', 'revoke', 'list'), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(
          fc.record({
            step: fc.constantFrom<StrangerStep>('list', 'create', 'revoke', 'revoke-via-own'),
            target: fc.nat(),
            after: startDelay,
          }),
          { minLength: 2, maxLength: 6 },
        ),
        async (ownerSteps, strangerSteps) => {
          const id = await createProject(owner);
          const initial = [await newToken(id), await newToken(id)];
          const live = [...initial];
          const made = [...initial];
          // The owner's steps run one after the other, so the links they leave are known.
          const ownerRun = async (): Promise<{ step: OwnerStep; answer: CallResult }[]> => {
            const answers: { step: OwnerStep; answer: CallResult }[] = [];
            for (const step of ownerSteps) {
              if (step === 'create') {
                const answer = await createLink(owner, id);
                if (answer.status === 201) {
                  live.push(answer.body.token);
                  made.push(answer.body.token);
                }
                answers.push({ step, answer });
              } else if (step === 'revoke' && live.length > 0) {
                answers.push({ step, answer: await revoke(owner, id, live.shift()!) });
              } else {
                const answer = await links(owner, id);
                // Nobody else changed them in the meantime.
                expect(
                  answer.body.links.map((link: { token: string }) => link.token).sort(),
                ).toEqual([...live].sort());
                answers.push({ step: 'list', answer });
              }
            }
            return answers;
          };
          const strangerRacers: Racer<CallResult>[] = strangerSteps.map(
            ({ step, target, after }) => ({
              after,
              run: () => strangerCall(step, id, initial[target % initial.length]!),
            }),
          );
          const [ownerAnswers, strangerAnswers] = await Promise.all([
            ownerRun(),
            race(strangerRacers),
          ]);

          const expectedStatus = { create: 201, revoke: 204, list: 200 };
          for (const { step, answer } of ownerAnswers) {
            expect({ step, status: answer.status }).toEqual({
              step,
              status: expectedStatus[step],
            });
          }
          for (const answer of strangerAnswers) {
            expect(answer.status).toBe(404);
            expect(leaked(answer.body, made)).toEqual([]);
          }
          expect(await tokensInDatabase(id)).toEqual([...live].sort());
          expect(await tokensInDatabase(strangersProject)).toEqual([]);
        },
      ),
      raceRuns(15),
    );
  });

  it("races the project's deletion against its owner's link calls and a holder's view and remix: clean answers, no link left", async () => {
    const step = fc.record({
      step: fc.constantFrom('create', 'list', 'revoke', 'view', 'remix'),
      after: startDelay,
    });
    await fc.assert(
      fc.asyncProperty(
        startDelay,
        fc.uniqueArray(step, { minLength: 1, maxLength: 5, selector: (s) => s.step }),
        async (deleteAfter, steps) => {
          const id = await createProject(owner);
          const [revoked, held] = [await newToken(id), await newToken(id)];
          const calls: Record<string, () => Promise<CallResult>> = {
            delete: () => call(api.url, 'DELETE', `/api/projects/${id}`, { cookie: owner.cookie }),
            create: () => createLink(owner, id),
            list: () => links(owner, id),
            revoke: () => revoke(owner, id, revoked!),
            view: () => call(api.url, 'GET', `/api/shared/${held}`),
            remix: () =>
              call(api.url, 'POST', `/api/shared/${held}/remix`, {
                cookie: stranger.cookie,
                body: {},
              }),
          };
          const allowed: Record<string, number[]> = {
            delete: [204],
            create: [201, 404],
            list: [200, 404],
            revoke: [204, 404],
            view: [200, 404],
            remix: [201, 404],
          };
          const racers = [{ step: 'delete', after: deleteAfter }, ...steps].map(
            ({ step: name, after }) => ({
              after,
              run: async () => ({ name, answer: await calls[name]!() }),
            }),
          );
          const answers = await race(racers);
          for (const { name, answer } of answers) {
            expect({
              name,
              status: answer.status,
              allowed: allowed[name]!.includes(answer.status),
            }).toEqual({ name, status: answer.status, allowed: true });
          }
          expect(await tokensInDatabase(id)).toEqual([]);
          const made = answers.find(({ name }) => name === 'create')?.answer;
          for (const token of [revoked, held, ...(made?.status === 201 ? [made.body.token] : [])]) {
            expect((await call(api.url, 'GET', `/api/shared/${token}`)).status).toBe(404);
          }
          // A remix that got in before the deletion is a whole copy, the stranger's own.
          const remix = answers.find(({ name }) => name === 'remix')?.answer;
          if (remix?.status === 201) {
            const copied = await api.db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM versions WHERE project_id = $1`,
              [remix.body.id],
            );
            expect(copied).toEqual([{ n: 1 }]);
            expect((await links(stranger, remix.body.id)).status).toBe(200);
          }
        },
      ),
      raceRuns(30),
    );
  });
});
