import { createScofParser, type ScofEvent } from '@forge/scof';
import OpenAI from 'openai';
import { parsePhaseDesignAnswer, type PhaseDesign } from '@forge/protocol';
import { type ChatMessage } from '../server/chat-message';
import { type ScriptedLlmServer } from '../server/scripted-llm-server';
import { forgeMessages } from '../testing/forge-messages';
import { scofFiles } from '../testing/scof-blocks';
import { DEMO_APPS } from './demo-apps';
import { FOLLOW_UP_FILE, FOLLOW_UP_SUBTITLE_MAX_LENGTH, followUpSubtitle } from './demo-follow-up';
import { createDemoLlmHandler, DEMO_MODEL_ID, demoAnswer } from './demo-llm-handler';
import { type DemoAppId } from './demo-recording';
import { createDemoLlmServer, DEMO_LLM_DEFAULTS } from './demo-llm-server';

const REQUESTS = {
  todo: 'Build me a simple todo list where I can tick things off.',
  pomodoro: 'I want a pomodoro timer with breaks.',
  guestbook: 'A guestbook for my website, kept in a database.',
} as const;

async function ask(client: OpenAI, messages: ChatMessage[]): Promise<string> {
  const stream = await client.chat.completions.create({
    model: DEMO_MODEL_ID,
    messages: messages as OpenAI.ChatCompletionMessageParam[],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return text;
}

function expectDesign(answer: string): PhaseDesign {
  const result = parsePhaseDesignAnswer(answer);
  if (!result.ok) {
    throw new Error(result.message);
  }
  return result.design;
}

describe(createDemoLlmHandler.name, () => {
  let server: ScriptedLlmServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await createDemoLlmServer({ chunksPerSecond: Infinity });
    client = new OpenAI({ baseURL: server.url, apiKey: 'none', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(['todo', 'pomodoro'] as const)(
    'replays the %s app: design then implement, for both phases, over the SDK',
    async (id) => {
      const app = DEMO_APPS[id];
      for (const phase of [1, 2]) {
        const design = expectDesign(
          await ask(client, forgeMessages('design', phase, REQUESTS[id])),
        );
        expect(design.name).toBe(app.heading);
        expect(design.lastPhase).toBe(phase === 2);
        expect(design.dependencies).toEqual([]);
        if (phase === 1) {
          expect(design.blueprint?.summary).toContain('offline demo model');
        } else {
          expect(design.blueprint).toBeUndefined();
        }
        // The short project title comes with the first design only.
        expect(design.title).toBe(phase === 1 ? app.heading : undefined);

        const answer = await ask(client, forgeMessages('implement', phase, REQUESTS[id]));
        const { files, prose } = scofFiles(answer);
        expect([...files.keys()]).toEqual(design.files.map((file) => file.path));
        expect(prose.every((line) => /offline demo model/i.test(line))).toBe(true);
        expect(answer).not.toMatch(/^bun add/m);
        if (files.has('src/App.tsx')) {
          expect(files.get('src/App.tsx')).toContain(`>${app.heading}</h1>`);
        }
      }
    },
  );

  it('gives answers the real SCOF parser reads to the same files, with no error', () => {
    for (const [id, app] of Object.entries(DEMO_APPS)) {
      for (let phase = 1; phase <= app.phases.length + 1; phase++) {
        const answer = demoAnswer(forgeMessages('implement', phase, REQUESTS[id as DemoAppId]));
        const parser = createScofParser();
        const events: ScofEvent[] = [];
        for (let at = 0; at < answer.length; at += DEMO_LLM_DEFAULTS.chunkSize) {
          events.push(...parser.push(answer.slice(at, at + DEMO_LLM_DEFAULTS.chunkSize)));
        }
        events.push(...parser.end());
        expect(
          events.filter(
            (event) =>
              event.type !== 'file_start' &&
              event.type !== 'file_chunk' &&
              event.type !== 'file_end',
          ),
        ).toEqual([]);
        const parsed = events.flatMap((event) =>
          event.type === 'file_end' ? [[event.path, event.content]] : [],
        );
        expect(new Map(parsed as Array<[string, string]>)).toEqual(scofFiles(answer).files);
      }
    }
  });

  it('replays the guestbook: a table, routes and a migration, then a follow-up migration', async () => {
    const first = expectDesign(
      await ask(client, forgeMessages('design', 1, 'A guestbook saved in a database')),
    );
    expect(first).toMatchObject({ name: 'Guestbook', lastPhase: true });
    expect(first.dataModel?.tables.map((table) => table.name)).toEqual(['entries']);
    expect(first.routes?.map((route) => `${route.method} ${route.path}`)).toEqual([
      'GET /api/entries',
      'POST /api/entries',
    ]);
    const phase1 = scofFiles(await ask(client, forgeMessages('implement', 1, 'a guestbook')));
    expect(phase1.files.get('db/migrations/001-create-entries.sql')).toContain(
      'create table entries',
    );
    expect(phase1.files.get('server/app.ts')).toContain("app.post('/entries'");
    expect(phase1.files.get('src/api.ts')).toContain("'/api/entries'");

    // The follow-up: found by the heading in the project's files, whatever the request says.
    const request = 'Let people pick a mood';
    const messages = forgeMessages('design', 2, request);
    messages.push({ role: 'user', content: '<h1 className="x">Guestbook</h1>' });
    const second = expectDesign(await ask(client, messages));
    expect(second.files.map((file) => file.path)).toContain(
      'db/migrations/002-add-mood-to-entries.sql',
    );
    expect(second.dataModel?.tables[0]?.fields.map((field) => field.name)).toContain('mood');
    const implement = forgeMessages('implement', 2, request);
    implement.push({ role: 'user', content: 'Guestbook' });
    const phase2 = scofFiles(await ask(client, implement));
    // A new migration; the first one is not written again.
    expect(phase2.files.has('db/migrations/001-create-entries.sql')).toBe(false);
    expect(phase2.files.get('db/migrations/002-add-mood-to-entries.sql')).toMatch(
      /alter table entries add column mood text not null default ''/,
    );
  });

  it('picks the app by keywords and defaults to the todo list', () => {
    const nameFor = (request: string) =>
      expectDesign(demoAnswer(forgeMessages('design', 1, request))).name;
    expect(nameFor('A guestbook for my wedding')).toBe('Guestbook');
    expect(nameFor('a full-stack app with a database')).toBe('Guestbook');
    expect(nameFor('A countdown timer for focus')).toBe('Pomodoro timer');
    expect(nameFor('my chores')).toBe('Todo list');
    expect(nameFor('a recipe book')).toBe('Todo list');
  });

  it('answers a phase past the recording with a subtitle change of one file', async () => {
    const request = 'Change the subtitle to "Stay on track"';
    const messages = forgeMessages('design', 3, request);
    // A follow-up sees the project's files, which name the app.
    messages.push({ role: 'user', content: '<h1>Pomodoro timer</h1>' });
    const design = expectDesign(await ask(client, messages));
    expect(design).toMatchObject({
      name: 'Pomodoro timer',
      lastPhase: true,
      dependencies: [],
      files: [{ path: FOLLOW_UP_FILE }],
    });
    expect(design.blueprint).toBeUndefined();
    const { files, prose } = scofFiles(await ask(client, forgeMessages('implement', 3, request)));
    expect([...files.keys()]).toEqual([FOLLOW_UP_FILE]);
    expect(files.get(FOLLOW_UP_FILE)).toContain('export const SUBTITLE = "Stay on track";');
    expect(prose.join('\n')).toContain('offline demo model');
  });

  it('makes a safe, bounded subtitle of any request', () => {
    expect(followUpSubtitle('Say “hello”, please')).toBe('hello');
    expect(followUpSubtitle('make it friendlier\nand blue')).toBe('make it friendlier');
    expect(followUpSubtitle(null)).toContain('offline demo');
    expect(Array.from(followUpSubtitle('x'.repeat(500)))).toHaveLength(
      FOLLOW_UP_SUBTITLE_MAX_LENGTH,
    );
    const tricky = demoAnswer(forgeMessages('implement', 4, 'a \\ b " c'));
    expect(scofFiles(tricky).files.get(FOLLOW_UP_FILE)).toContain('= "a \\\\ b \\" c";');
  });

  it('answers other chat with a notice that it is the offline demo', async () => {
    const answer = await ask(client, [{ role: 'user', content: 'Hello?' }]);
    expect(answer).toContain('offline demo model (forge-demo)');
  });

  it('refuses other models with a 404 and lists only its own', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_found');
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual([DEMO_MODEL_ID]);
  });
});
