/**
 * The database sheet on the real workspace page, its REST calls answered through Angular's
 * testing backend (see testing/workspace-page.ts).
 *
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { PROJECT_URL, WorkspacePage } from '../testing/workspace-page';
import { type AppDatabase, parseAppDatabase, parseTableRows } from './database-api.service';
import { DatabasePanelComponent } from './database-panel.component';

const NOW = new Date().toISOString();
const DATABASE: AppDatabase = {
  exists: true,
  sizeBytes: 7_700_000,
  tables: [
    {
      name: 'entries',
      rows: 30,
      columns: [
        { name: 'id', type: 'integer', nullable: false },
        { name: 'author', type: 'text', nullable: false },
        { name: 'body', type: 'text', nullable: true },
      ],
    },
    {
      name: 'forge_migrations',
      rows: 1,
      columns: [{ name: 'name', type: 'text', nullable: false }],
    },
  ],
  migrations: [{ name: '001-create-entries.sql', appliedAt: NOW }],
};
const rowsUrl = (offset: number) =>
  `${PROJECT_URL}/database/tables/entries/rows?offset=${offset}&limit=25`;
const page1 = {
  columns: ['id', 'author', 'body'],
  rows: Array.from({ length: 25 }, (_, i) => [
    String(i + 1),
    `guest ${i + 1}`,
    i === 2 ? null : 'hi',
  ]),
  offset: 0,
  limit: 25,
  total: 30,
};

// The first test also pays for compiling the page and the deferred panel on a busy machine.
jest.setTimeout(30_000);

describe(DatabasePanelComponent.name, () => {
  let page: WorkspacePage;

  beforeEach(async () => {
    page = await WorkspacePage.start();
  });

  afterEach(async () => {
    await page.close();
  });

  const sheet = () => page.query<HTMLDialogElement>('forge-database-panel dialog.sheet');
  const cells = (row: number) =>
    [...sheet()!.querySelectorAll(`tbody tr:nth-child(${row}) td`)].map((cell) =>
      cell.textContent!.trim(),
    );

  it("lists the app's tables, columns and migrations, and pages through a table's rows", async () => {
    page.serve({ state: 'COMPLETE' });
    await page.open();
    page.button('Database')!.click();
    (await page.requestTo(`${PROJECT_URL}/database`)).flush(DATABASE);
    (await page.requestTo(rowsUrl(0))).flush(page1);
    await page.eventually(() => sheet()?.querySelector('tbody') !== null, 'the rows');

    const parts = (selector: string, name: string) =>
      [...sheet()!.querySelectorAll(selector)].map((item) =>
        [name, '.meta'].map((part) => item.querySelector(part)!.textContent!.trim()),
      );
    expect(parts('.table-button', '.table-name')).toEqual([
      ['entries', '30 rows'],
      ['forge_migrations', '1 row'],
    ]);
    // The app's own table is chosen first, not Forge's bookkeeping.
    expect(sheet()!.querySelector('[aria-current="true"]')?.textContent).toContain('entries');
    expect(parts('.columns li', '.column-name')).toEqual([
      ['id', 'integer, not null'],
      ['author', 'text, not null'],
      ['body', 'text'],
    ]);
    expect(sheet()!.querySelector('.migrations')?.textContent).toContain('001-create-entries.sql');
    expect(sheet()!.querySelector('.size')?.textContent).toContain('7.3 MB');
    expect(sheet()!.querySelector('.range')?.textContent).toContain('Rows 1–25 of 30');
    expect(cells(1)).toEqual(['1', 'guest 1', 'hi']);
    expect(cells(3)).toEqual(['3', 'guest 3', 'NULL']);
    expect(page.button('Previous', sheet()!)!.disabled).toBe(true);

    page.button('Next', sheet()!)!.click();
    (await page.requestTo(rowsUrl(25))).flush({
      ...page1,
      offset: 25,
      rows: page1.rows.slice(0, 5).map(([id, ...rest]) => [String(Number(id) + 25), ...rest]),
    });
    await page.eventually(
      () => sheet()!.querySelector('.range')?.textContent?.includes('Rows 26–30 of 30') === true,
      'the second page',
    );
    expect(cells(1)[0]).toBe('26');
    expect(page.button('Next', sheet()!)!.disabled).toBe(true);
  });

  it('says when the app has no database yet, and shows a failure as an alert', async () => {
    page.serve({ state: 'COMPLETE' });
    await page.open();
    page.button('Database')!.click();
    (await page.requestTo(`${PROJECT_URL}/database`)).flush({
      exists: false,
      tables: [],
      migrations: [],
      sizeBytes: null,
    });
    await page.eventually(
      () => sheet()?.textContent?.includes('no database yet') === true,
      'the note',
    );
    expect(sheet()!.textContent).toContain('db/migrations/');

    page.button('Close the database', sheet()!)?.click();
    sheet()?.querySelector<HTMLButtonElement>('[aria-label="Close the database"]')?.click();
    await page.eventually(() => sheet() === null, 'the sheet closed');
    page.button('Database')!.click();
    (await page.requestTo(`${PROJECT_URL}/database`)).flush(
      {
        statusCode: 503,
        code: 'APP_DATABASE_UNREACHABLE',
        message: "The app's database could not be read: gone",
      },
      { status: 503, statusText: 'Service Unavailable' },
    );
    await page.eventually(() => sheet()?.querySelector('[role="alert"]') !== null, 'the alert');
    expect(sheet()!.querySelector('[role="alert"]')!.textContent).toContain('could not be read');
  });

  it('refuses answers of the wrong shape', () => {
    expect(() =>
      parseAppDatabase({ exists: true, tables: 'x', migrations: [], sizeBytes: 1 }),
    ).toThrow();
    expect(() =>
      parseTableRows({ columns: ['a'], rows: [[1]], offset: 0, limit: 1, total: 1 }),
    ).toThrow();
    expect(
      parseTableRows({ columns: ['a'], rows: [[null]], offset: 0, limit: 1, total: 1 }).rows,
    ).toEqual([[null]]);
  });
});
