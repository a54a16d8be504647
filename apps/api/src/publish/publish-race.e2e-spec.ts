import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { type PublicationVisibility } from '@forge/db';
import { AppDatabases } from '../../../agent-runner/src/app-database/app-databases';
import { type TestDatabase } from '../../../../test/support/test-database';
import { eventually } from '../live/testing/live-stack';
import {
  call,
  type CallResult,
  createProjectAs,
  insertVersion,
  signUp,
  type TestUser,
} from '../testing/api-test-app';
import { leaked, race, raceRuns, type Racer, startDelay } from '../testing/race';
import { type PublishStack, startPublishStack } from './testing/publish-stack';

// The first run prepares the app template (bun install); later runs reuse the cache.
jest.setTimeout(600_000);

const VISIBILITIES: PublicationVisibility[] = ['public', 'unlisted', 'private'];

type OwnerStep = 'other-version' | 'rename' | 'visibility' | 'unpublish' | 'get';
type StrangerStep = 'get' | 'publish' | 'unpublish';

/** The owner's publication as its own steps left it: the test's model of PublishService. */
interface Published {
  slug: string;
  visibility: PublicationVisibility;
  version: number;
}

interface PublicationRow {
  slug: string;
  visibility: string;
  version_number: number;
  access_token: string;
  build_id: string;
}

function app(label: string) {
  return [
    {
      path: 'src/App.tsx',
      content: `export default function App() {\n  return <h1>${label}</h1>;\n}\n`,
    },
  ];
}

/** The credential an openUrl carries (the unlisted secret or a signed owner token), if any. */
function credentialOf(openUrl: string): string | null {
  return new URL(openUrl).searchParams.get('forge_access');
}

/**
 * A project's publication is its owner's alone, also while the owner publishes, renames,
 * changes who may open it and unpublishes: another user's GET, PUT and DELETE racing those
 * answer 404 without the slug or a credential and change nothing. The project's deletion
 * racing its owner's own publish (a build included), get and unpublish ends in clean answers
 * and leaves no publication and no built file.
 */
describe('publishing races (e2e, real runner and process sandbox)', () => {
  let stack: PublishStack;
  let db: TestDatabase;
  let runner: PublishStack['runner'];
  let api: PublishStack['api'];
  let owner: TestUser;
  let stranger: TestUser;
  let slugs = 0;

  beforeAll(async () => {
    stack = await startPublishStack('forge-publish-race-');
    ({ db, runner, api } = stack);
    owner = await signUp(api.url);
    stranger = await signUp(api.url);
  });

  afterAll(() => stack?.close());

  async function projectWithVersions(): Promise<string> {
    const id = await createProjectAs(api.url, owner, 'Published app');
    for (const number of [1, 2]) {
      await insertVersion(db, id, number, app(`Version ${number}`));
    }
    return id;
  }

  const nextSlug = () => `owners-app-${++slugs}`;
  const publish = (user: TestUser, id: string, body: object) =>
    call(api.url, 'PUT', `/api/projects/${id}/publication`, { cookie: user.cookie, body });
  const getPublication = (user: TestUser, id: string) =>
    call(api.url, 'GET', `/api/projects/${id}/publication`, { cookie: user.cookie });
  const unpublish = (user: TestUser, id: string) =>
    call(api.url, 'DELETE', `/api/projects/${id}/publication`, { cookie: user.cookie });

  function strangerCall(step: StrangerStep, id: string, n: number): Promise<CallResult> {
    switch (step) {
      case 'get':
        return getPublication(stranger, id);
      case 'unpublish':
        return unpublish(stranger, id);
      case 'publish':
        return publish(stranger, id, { slug: `strangers-app-${n}`, visibility: 'public' });
    }
  }

  async function publicationRows(id: string): Promise<PublicationRow[]> {
    return db.query<PublicationRow>(
      `SELECT slug, visibility, version_number, access_token, build_id
       FROM publications WHERE project_id = $1`,
      [id],
    );
  }

  async function builds(id: string): Promise<string[]> {
    const rows = await db.query<{ build_id: string }>(
      `SELECT DISTINCT build_id::text AS build_id FROM publication_files WHERE project_id = $1`,
      [id],
    );
    return rows.map((row) => row.build_id);
  }

  /** The publication the owner's steps left, in the database: one row, one build's files. */
  async function expectPublished(id: string, expected: Published | null): Promise<void> {
    const rows = await publicationRows(id);
    if (!expected) {
      expect(rows).toEqual([]);
      expect(await builds(id)).toEqual([]);
      return;
    }
    expect(rows).toEqual([
      expect.objectContaining({
        slug: expected.slug,
        visibility: expected.visibility,
        version_number: expected.version,
      }),
    ]);
    expect(await builds(id)).toEqual([rows[0]!.build_id]);
  }

  it('answers 404 to another user on every publication route, with neither slug nor secret', async () => {
    const id = await projectWithVersions();
    const slug = nextSlug();
    const made = await publish(owner, id, { slug, visibility: 'unlisted' });
    expect(made.status).toBe(200);
    const [row] = await publicationRows(id);
    const secrets = [slug, row!.access_token, credentialOf(made.body.openUrl)!];
    for (const step of ['get', 'publish', 'unpublish'] as const) {
      const answer = await strangerCall(step, id, 0);
      expect({ step, status: answer.status }).toEqual({ step, status: 404 });
      expect(leaked(answer.body, secrets)).toEqual([]);
    }
    await expectPublished(id, { slug, visibility: 'unlisted', version: 2 });
    expect((await publicationRows(id))[0]!.access_token).toBe(row!.access_token);
  });

  it("races another user's calls against the owner's publishing: 404s, no slug or secret, no change", async () => {
    const id = await projectWithVersions();
    let expected: Published | null = null;
    /** The unlisted secret the owner last saw, while the publication stays unlisted. */
    let unlistedSecret: string | null = null;
    const secrets: string[] = [];
    let strangerCalls = 0;

    /** One step of the owner's, with the status the model says it gets. */
    const ownerStep = async (step: OwnerStep) => {
      if (step === 'get') {
        const answer = await getPublication(owner, id);
        expect(answer.body.publication).toEqual(
          expected ? expect.objectContaining(expected) : null,
        );
        return { step, status: answer.status, wanted: 200 };
      }
      if (step === 'unpublish') {
        const answer = await unpublish(owner, id);
        const wanted = expected ? 204 : 404;
        expected = null;
        unlistedSecret = null;
        return { step, status: answer.status, wanted };
      }
      const current = expected ?? { slug: nextSlug(), visibility: 'public', version: 2 };
      const next: Published =
        step === 'other-version'
          ? { ...current, version: 3 - current.version }
          : step === 'rename'
            ? { ...current, slug: nextSlug() }
            : {
                ...current,
                visibility: VISIBILITIES[(VISIBILITIES.indexOf(current.visibility) + 1) % 3]!,
              };
      secrets.push(next.slug);
      const answer = await publish(owner, id, next);
      expect(answer.body).toMatchObject(next);
      const credential = credentialOf(answer.body.openUrl);
      if (credential) {
        secrets.push(credential);
      }
      unlistedSecret = next.visibility === 'unlisted' ? credential : null;
      expected = next;
      return { step, status: answer.status, wanted: 200 };
    };

    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom<OwnerStep>('other-version', 'rename', 'visibility', 'unpublish', 'get'),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(
          fc.record({
            step: fc.constantFrom<StrangerStep>('get', 'publish', 'unpublish'),
            after: startDelay,
          }),
          { minLength: 2, maxLength: 6 },
        ),
        async (ownerSteps, strangerSteps) => {
          // The owner's steps run one after the other, so what they leave is known.
          const ownerRun = async () => {
            const answers: { step: OwnerStep; status: number; wanted: number }[] = [];
            for (const step of ownerSteps) {
              answers.push(await ownerStep(step));
            }
            return answers;
          };
          const strangerRacers: Racer<CallResult>[] = strangerSteps.map(({ step, after }) => ({
            after,
            run: () => strangerCall(step, id, ++strangerCalls),
          }));
          const [ownerAnswers, strangerAnswers] = await Promise.all([
            ownerRun(),
            race(strangerRacers),
          ]);

          for (const { step, status, wanted } of ownerAnswers) {
            expect({ step, status }).toEqual({ step, status: wanted });
          }
          for (const answer of strangerAnswers) {
            expect(answer.status).toBe(404);
            expect(leaked(answer.body, [...secrets, 'forge_access'])).toEqual([]);
          }
          await expectPublished(id, expected);
          if (unlistedSecret) {
            expect((await publicationRows(id))[0]!.access_token).toBe(unlistedSecret);
          }
          const [{ taken }] = await db.query<{ taken: number }>(
            `SELECT count(*)::int AS taken FROM publications WHERE slug LIKE 'strangers-app-%'`,
          );
          expect(taken).toBe(0);
        },
      ),
      raceRuns(6),
    );
  });

  it("races the project's deletion against its owner's publish, get and unpublish: clean answers, nothing left", async () => {
    type Step = 'publish' | 'other-version' | 'get' | 'unpublish';
    const step = fc.record({
      step: fc.constantFrom<Step>('publish', 'other-version', 'get', 'unpublish'),
      after: startDelay,
    });
    await fc.assert(
      fc.asyncProperty(
        startDelay,
        fc.uniqueArray(step, { minLength: 1, maxLength: 3, selector: (s) => s.step }),
        fc.boolean(),
        async (deleteAfter, steps, publishedBefore) => {
          const id = await projectWithVersions();
          // An app database too: that it is dropped is the last of the runner's clean-up.
          const { credentials } = await runner.app.get(AppDatabases).ensure(id);
          const slug = nextSlug();
          if (publishedBefore) {
            expect((await publish(owner, id, { slug, visibility: 'public' })).status).toBe(200);
          }
          const calls: Record<Step | 'delete', () => Promise<CallResult>> = {
            delete: () => call(api.url, 'DELETE', `/api/projects/${id}`, { cookie: owner.cookie }),
            // The same version under another name: no build when it is published already.
            publish: () => publish(owner, id, { slug: nextSlug(), visibility: 'unlisted' }),
            // Version 1 is never published before: always a build.
            'other-version': () => publish(owner, id, { slug, visibility: 'public', version: 1 }),
            get: () => getPublication(owner, id),
            unpublish: () => unpublish(owner, id),
          };
          const allowed: Record<Step | 'delete', number[]> = {
            delete: [204],
            // 409: two publishes of this project crossed (PUBLISH_CHANGED_MEANWHILE).
            publish: [200, 404, 409],
            'other-version': [200, 404, 409],
            get: [200, 404],
            unpublish: [204, 404],
          };
          const racers = [{ step: 'delete' as const, after: deleteAfter }, ...steps].map(
            ({ step: name, after }) => ({
              after,
              run: async () => ({ name, answer: await calls[name]() }),
            }),
          );
          for (const { name, answer } of await race(racers)) {
            expect({
              name,
              status: answer.status,
              code: answer.body?.code,
              allowed: allowed[name].includes(answer.status),
            }).toEqual({ name, status: answer.status, code: answer.body?.code, allowed: true });
          }
          expect(await publicationRows(id)).toEqual([]);
          expect(await builds(id)).toEqual([]);
          // The runner removes the deleted project's sandbox (the builds' workspace), then its
          // database.
          await eventually(async () => {
            const [left] = await db.query<{ n: number }>(
              `SELECT ((SELECT count(*) FROM app_databases WHERE project_id = $1)
                     + (SELECT count(*) FROM pg_database WHERE datname = $2))::int AS n`,
              [id, credentials.database],
            );
            return left!.n === 0 ? true : undefined;
          }, "the deleted project's database to be dropped");
          expect(existsSync(join(stack.sandboxRoot, 'projects', id))).toBe(false);
        },
      ),
      raceRuns(6),
    );
  });
});
