import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { prepareTemplate } from '@forge/sandbox';
import { prepareApp } from '../testing/app-check';
import { runInApp, startBuiltApp } from '../testing/app-server';
import { forgeMessages } from '../testing/forge-messages';
import { scofFiles } from '../testing/scof-blocks';
import { demoAnswer } from './demo-llm-handler';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TEMPLATE_CACHE = join(tmpdir(), 'forge-demo-apps-template');
const BUILD_TIMEOUT_MS = 180_000;

/** The files one recorded phase of the guestbook writes. */
function phaseFiles(phase: number): Map<string, string> {
  const request = phase === 1 ? 'A guestbook kept in a database' : 'Let visitors pick a mood';
  const messages = forgeMessages('implement', phase, request);
  messages.push({ role: 'user', content: 'Guestbook' });
  return scofFiles(demoAnswer(messages)).files;
}

function write(dir: string, files: Map<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/**
 * The recorded guestbook as a user runs it outside Forge: migrated, built and started with the
 * template's own scripts against a real PostgreSQL, used in a real browser, then the recorded
 * follow-up's migration adds a column and the entries already there survive.
 */
describe('the demo guestbook, migrated, built and served with its database', () => {
  const database = `forge_demo_guestbook_${randomBytes(4).toString('hex')}`;
  const databaseUrl = (() => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    return url.toString();
  })();
  let admin: Client;
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const modules = join((await prepareTemplate(TEMPLATE_CACHE)).dir, 'node_modules');
    dir = join(mkdtempSync(join(tmpdir(), 'forge-demo-guestbook-')), 'app');
    prepareApp(dir, phaseFiles(1), modules);
    if (!existsSync(CHROMIUM)) {
      throw new Error(`this test needs Chromium at ${CHROMIUM}`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    if (dir) {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  const env = () => ({ DATABASE_URL: databaseUrl });
  const rows = async () => {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      return (await db.query('select * from entries order by id')).rows as Record<
        string,
        unknown
      >[];
    } finally {
      await db.end();
    }
  };

  it(
    'keeps what visitors sign, and a follow-up migration adds a mood without losing entries',
    async () => {
      expect(await runInApp(dir, 'npm', ['run', 'migrate'], env(), 60_000)).toContain(
        'applied 001-create-entries.sql',
      );
      await runInApp(dir, 'npm', ['run', 'build'], env(), BUILD_TIMEOUT_MS);
      let app = await startBuiltApp(dir, env());
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await page.goto(app.url);
        await page.getByText('No entries yet. Be the first to sign.').waitFor();
        await page.getByLabel('Your name').fill('Ada');
        await page.getByLabel('Message').fill('Lovely place!');
        await page.getByRole('button', { name: 'Sign the guestbook' }).click();
        await page.getByText('Lovely place!').waitFor();
        await page.reload();
        await page.getByText('Lovely place!').waitFor();
        expect(await rows()).toEqual([
          expect.objectContaining({ id: 1, name: 'Ada', message: 'Lovely place!' }),
        ]);
        const refused = await fetch(`${app.url}/api/entries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: '', message: 'x' }),
        });
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: string }).error).toContain('name');
        await app.stop();

        // The recorded follow-up: a new migration adds the column; entry 1 stays.
        write(dir, phaseFiles(2));
        const migrated = await runInApp(dir, 'npm', ['run', 'migrate'], env(), 60_000);
        expect(migrated).toContain('applied 002-add-mood-to-entries.sql');
        expect(migrated).toContain('1 applied, 1 already there');
        await runInApp(dir, 'npm', ['run', 'build'], env(), BUILD_TIMEOUT_MS);
        app = await startBuiltApp(dir, env());
        await page.goto(app.url);
        await page.getByText('Lovely place!').waitFor();
        await page.getByLabel('Your name').fill('Grace');
        await page.getByLabel('Message').fill('Thanks for having me');
        await page.getByLabel('Mood').selectOption('thankful');
        await page.getByRole('button', { name: 'Sign the guestbook' }).click();
        await page.getByLabel('mood: thankful').waitFor();
        expect((await rows()).map(({ name, message, mood }) => ({ name, message, mood }))).toEqual([
          { name: 'Ada', message: 'Lovely place!', mood: '' },
          { name: 'Grace', message: 'Thanks for having me', mood: 'thankful' },
        ]);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await app.stop();
      }
    },
    4 * BUILD_TIMEOUT_MS,
  );
});
