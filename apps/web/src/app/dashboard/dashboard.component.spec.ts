import { ChangeDetectionStrategy, Component } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { PENDING_PROMPT_KEY } from '../project/pending-prompt.service';
import { PROJECTS_URL } from '../project/projects.service';
import { StartPromptsService } from '../project/start-prompts.service';
import { DashboardComponent, SEARCH_DEBOUNCE_MS } from './dashboard.component';
import { EXAMPLE_PROMPTS } from './example-prompts';
import { answerModels } from '../models/testing/answer-models';

@Component({ template: 'project page', changeDetection: ChangeDetectionStrategy.OnPush })
class ProjectPageComponent {}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const HOUR = 3_600_000;

function project(id: string, name: string, state: string) {
  const updatedAt = new Date(Date.now() - 2 * HOUR - 60_000).toISOString();
  return {
    id,
    name,
    description: `${name}, described`,
    createdAt: updatedAt,
    updatedAt,
    state,
    thumbnailAt: null as string | null,
  };
}

describe(DashboardComponent.name, () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: '', component: DashboardComponent },
          { path: 'project/:id', component: ProjectPageComponent },
        ]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/', DashboardComponent);
  });

  afterEach(() => {
    answerModels(http);
    http.verify();
  });

  const page = () => harness.routeNativeElement!;
  const promptBox = () => page().querySelector<HTMLTextAreaElement>('#prompt')!;

  async function answerList(body: object, status = 200): Promise<void> {
    const request = http.expectOne((req) => req.method === 'GET' && req.url === PROJECTS_URL);
    if (status === 200) {
      request.flush(body);
    } else {
      request.flush(body, { status, statusText: 'Error' });
    }
    await tick();
    await harness.fixture.whenStable();
  }

  it('lists the projects with their state and last edit', async () => {
    await answerList({
      items: [project('p1', 'Todo app', 'IMPLEMENTING_PHASE'), project('p2', 'Notes', 'FAILED')],
      nextCursor: null,
    });
    const cards = [...page().querySelectorAll('.card')].map((card) =>
      [...card.querySelectorAll('.card-name, .card-description, .card-meta > *')].map((part) =>
        part.textContent?.trim(),
      ),
    );
    expect(cards).toEqual([
      ['Todo app', 'Todo app, described', 'Writing code', 'edited 2 h ago'],
      ['Notes', 'Notes, described', 'Failed', 'edited 2 h ago'],
    ]);
    expect(page().querySelector('.card a')?.getAttribute('href')).toBe('/project/p1');
  });

  it('names each card by its title alone and shows its thumbnail or a placeholder', async () => {
    const pictured = {
      ...project('p1', 'Todo list', 'COMPLETE'),
      thumbnailAt: '2026-01-02T03:04:05.000Z',
    };
    await answerList({ items: [pictured, project('p2', 'Notes', 'IDLE')], nextCursor: null });
    const links = [...page().querySelectorAll<HTMLAnchorElement>('.card a')];
    // The link holds the title only; the description is its description, not part of its name.
    expect(links.map((link) => link.textContent?.trim())).toEqual(['Todo list', 'Notes']);
    const described = page().querySelector(`#${links[0].getAttribute('aria-describedby')}`);
    expect(described?.textContent?.trim()).toBe('Todo list, described');
    expect(page().querySelector('.card img')?.getAttribute('src')).toBe(
      `${PROJECTS_URL}/p1/thumbnail?v=2026-01-02T03%3A04%3A05.000Z`,
    );
    expect(page().querySelectorAll('.card img')).toHaveLength(1);
    expect(page().querySelectorAll('.thumb-placeholder')[0]?.textContent?.trim()).toBe('N');
  });

  it('searches by name once the typing pauses, and sorts', async () => {
    await answerList({ items: [project('p1', 'Todo app', 'IDLE')], nextCursor: null });
    const search = page().querySelector<HTMLInputElement>('#project-search')!;
    search.value = 'no';
    search.dispatchEvent(new Event('input'));
    search.value = 'notes';
    search.dispatchEvent(new Event('input'));
    http.expectNone((req) => req.url === PROJECTS_URL);
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS + 50));
    // One request, for what the box held when the typing paused.
    const searched = http.expectOne((req) => req.url === PROJECTS_URL);
    expect(searched.request.params.get('q')).toBe('notes');
    expect(searched.request.params.get('sort')).toBe('recent');
    searched.flush({ items: [], nextCursor: null });
    await tick();
    await harness.fixture.whenStable();
    expect(page().textContent).toContain('No project’s name contains “notes”.');

    const sort = page().querySelector<HTMLSelectElement>('#project-sort')!;
    sort.value = 'name';
    sort.dispatchEvent(new Event('change'));
    const sorted = http.expectOne((req) => req.url === PROJECTS_URL);
    expect(sorted.request.params.get('sort')).toBe('name');
    expect(sorted.request.params.get('q')).toBe('notes');
    sorted.flush({ items: [project('p3', 'Notes', 'IDLE')], nextCursor: null });
    await tick();
    await harness.fixture.whenStable();
    expect(page().querySelector('.card-name')?.textContent?.trim()).toBe('Notes');
  });

  it('asks for a first project when there is none', async () => {
    await answerList({ items: [], nextCursor: null });
    expect(page().querySelector('.empty')?.textContent).toContain('No projects yet');
    expect(page().querySelectorAll('.chip')).toHaveLength(EXAMPLE_PROMPTS.length);
  });

  it('fills the prompt box from an example', async () => {
    await answerList({ items: [], nextCursor: null });
    const chips = [...page().querySelectorAll<HTMLButtonElement>('.chip')];
    expect(chips.map((chip) => chip.textContent?.trim())).toEqual(EXAMPLE_PROMPTS);
    chips[1].click();
    await harness.fixture.whenStable();
    expect(promptBox().value).toBe(EXAMPLE_PROMPTS[1]);
  });

  it('creates a project from the prompt and opens it', async () => {
    await answerList({ items: [], nextCursor: null });
    promptBox().value = '  a pomodoro timer that keeps daily stats\nwith a dark theme ';
    promptBox().dispatchEvent(new Event('input'));
    promptBox().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));

    const request = http.expectOne({ method: 'POST', url: PROJECTS_URL });
    expect(request.request.body).toEqual({
      name: 'A pomodoro timer that keeps daily stats',
      description: 'a pomodoro timer that keeps daily stats\nwith a dark theme',
    });
    request.flush(project('p9', 'A pomodoro timer that keeps daily stats', 'IDLE'));
    await tick();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/project/p9');
    // The workspace starts the generation with the prompt.
    expect(TestBed.inject(StartPromptsService).take('p9')).toBe(
      'a pomodoro timer that keeps daily stats\nwith a dark theme',
    );
  });

  it('keeps Shift+Enter as a line break', async () => {
    await answerList({ items: [], nextCursor: null });
    promptBox().value = 'a todo app';
    promptBox().dispatchEvent(new Event('input'));
    const event = new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, cancelable: true });
    promptBox().dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    http.expectNone({ method: 'POST', url: PROJECTS_URL });
  });

  it('says why the list did not load, and retries', async () => {
    await answerList({ message: 'database is down' }, 500);
    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'Could not load your projects: database is down',
    );
    page().querySelector<HTMLButtonElement>('.load-error button')!.click();
    await answerList({ items: [project('p1', 'Todo app', 'IDLE')], nextCursor: null });
    expect(page().querySelector('[role="alert"]')).toBeNull();
    expect(page().querySelectorAll('.card')).toHaveLength(1);
  });

  it('loads the next page from the cursor', async () => {
    await answerList({ items: [project('p1', 'Todo app', 'IDLE')], nextCursor: 'c2' });
    page().querySelector<HTMLButtonElement>('.more button')!.click();
    const request = http.expectOne((req) => req.url === PROJECTS_URL);
    expect(request.request.params.get('cursor')).toBe('c2');
    request.flush({ items: [project('p2', 'Notes', 'IDLE')], nextCursor: null });
    await tick();
    await harness.fixture.whenStable();
    expect(page().querySelectorAll('.card')).toHaveLength(2);
    expect(page().querySelector('.more')).toBeNull();
  });

  function button(label: string): HTMLButtonElement {
    const found = [...page().querySelectorAll<HTMLButtonElement>('button')].find(
      (candidate) =>
        (candidate.getAttribute('aria-label') ?? candidate.textContent?.trim()) === label,
    );
    if (!found) {
      throw new Error(`no button "${label}"`);
    }
    return found;
  }

  async function settle(): Promise<void> {
    await tick();
    await harness.fixture.whenStable();
  }

  it('renames a project in place', async () => {
    await answerList({ items: [project('p1', 'Todo app', 'IDLE')], nextCursor: null });
    button('Rename Todo app').click();
    await settle();
    const input = page().querySelector<HTMLInputElement>('#rename-p1')!;
    expect(document.activeElement).toBe(input);
    input.value = '  Groceries ';
    input.closest('form')!.dispatchEvent(new Event('submit'));

    const request = http.expectOne({ method: 'PATCH', url: `${PROJECTS_URL}/p1` });
    expect(request.request.body).toEqual({ name: 'Groceries' });
    request.flush(project('p1', 'Groceries', 'IDLE'));
    await settle();
    expect(page().querySelector('.card-name')?.textContent?.trim()).toBe('Groceries');
  });

  it('keeps the name when Esc cancels the rename', async () => {
    await answerList({ items: [project('p1', 'Todo app', 'IDLE')], nextCursor: null });
    button('Rename Todo app').click();
    await settle();
    page()
      .querySelector('#rename-p1')!
      .dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await settle();
    expect(page().querySelector('#rename-p1')).toBeNull();
    expect(page().querySelector('.card-name')?.textContent?.trim()).toBe('Todo app');
    http.expectNone({ method: 'PATCH' });
  });

  it('deletes a project only once the user confirms', async () => {
    await answerList({
      items: [project('p1', 'Todo app', 'IDLE'), project('p2', 'Notes', 'IDLE')],
      nextCursor: null,
    });
    button('Delete Todo app').click();
    await settle();
    const dialog = page().querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.textContent).toContain('Delete “Todo app”?');

    button('Cancel').click();
    await settle();
    http.expectNone({ method: 'DELETE' });

    button('Delete Todo app').click();
    await settle();
    page().querySelector<HTMLButtonElement>('dialog .confirm')!.click();
    await settle();
    http.expectOne({ method: 'DELETE', url: `${PROJECTS_URL}/p1` }).flush(null, {
      status: 204,
      statusText: 'No Content',
    });
    await settle();
    expect(
      [...page().querySelectorAll('.card-name')].map((name) => name.textContent?.trim()),
    ).toEqual(['Notes']);
  });

  it('says why a delete failed and keeps the project', async () => {
    await answerList({ items: [project('p1', 'Todo app', 'IDLE')], nextCursor: null });
    button('Delete Todo app').click();
    await settle();
    page().querySelector<HTMLButtonElement>('dialog .confirm')!.click();
    await settle();
    http
      .expectOne({ method: 'DELETE', url: `${PROJECTS_URL}/p1` })
      .flush({ message: 'No such project.' }, { status: 404, statusText: 'Not Found' });
    await settle();
    expect(page().querySelector('[role="alert"]')?.textContent).toContain(
      'Could not delete “Todo app”: No such project.',
    );
    expect(page().querySelectorAll('.card')).toHaveLength(1);
  });
});

describe(`${DashboardComponent.name} after the landing page`, () => {
  afterEach(() => sessionStorage.clear());

  it('creates the project typed before signing up and opens it', async () => {
    sessionStorage.setItem(PENDING_PROMPT_KEY, 'A recipe box with tags');
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([
          { path: '', component: DashboardComponent },
          { path: 'project/:id', component: ProjectPageComponent },
        ]),
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/', DashboardComponent);
    const request = http.expectOne({ method: 'POST', url: PROJECTS_URL });
    expect(request.request.body).toEqual({
      name: 'A recipe box with tags',
      description: 'A recipe box with tags',
    });
    request.flush(project('p7', 'A recipe box with tags', 'IDLE'));
    await tick();
    await harness.fixture.whenStable();
    expect(TestBed.inject(Router).url).toBe('/project/p7');
    expect(TestBed.inject(StartPromptsService).take('p7')).toBe('A recipe box with tags');
    // Once only: the prompt is gone from the tab's storage.
    expect(sessionStorage.getItem(PENDING_PROMPT_KEY)).toBeNull();
    http
      .match((req) => req.url === PROJECTS_URL)
      .forEach((list) => list.flush({ items: [], nextCursor: null }));
    answerModels(http);
    http.verify();
  });
});
