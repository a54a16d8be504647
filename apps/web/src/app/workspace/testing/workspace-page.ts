import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  type TestRequest,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { type ServerEvent, type UnsequencedEvent } from '@forge/protocol/agent/events';
import { type ProjectSnapshot } from '@forge/protocol/socket/project-snapshot';
import { API_BASE_URL } from '../../core/api-base-url.token';
import { LIVE_SOCKET_OPTIONS } from '../../live/live-socket.service';
import { TestLiveServer, snapshotOf, until } from '../../live/testing/test-live-server';
import { PROJECTS_URL } from '../../project/projects.service';
import { WorkspaceComponent } from '../workspace.component';
import { answerModels } from '../../models/testing/answer-models';

/*
 * The workspace page for specs: the real page at /project/:id against a real Socket.IO server
 * standing in for the API's gateway, REST through Angular's testing backend. Specs that use it
 * run the socket client as in Node (see live-socket.service.spec.ts).
 */

export const PROJECT = '11111111-1111-4111-8111-111111111111';
export const PROJECT_URL = `${PROJECTS_URL}/${PROJECT}`;

export class WorkspacePage {
  private constructor(
    readonly server: TestLiveServer,
    readonly http: HttpTestingController,
    readonly harness: RouterTestingHarness,
  ) {}

  static async start(): Promise<WorkspacePage> {
    const server = await TestLiveServer.start();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter(
          [{ path: 'project/:id', component: WorkspaceComponent }],
          withComponentInputBinding(),
        ),
        { provide: API_BASE_URL, useValue: server.url },
        { provide: LIVE_SOCKET_OPTIONS, useValue: { reconnectionDelay: 20 } },
      ],
    });
    const http = TestBed.inject(HttpTestingController);
    return new WorkspacePage(server, http, await RouterTestingHarness.create());
  }

  async close(): Promise<void> {
    answerModels(this.http);
    // The Code tab asks for the starter template's files; specs about other things ignore them.
    for (const request of this.http.match(`${PROJECT_URL}/starter-files`)) {
      request.flush({ files: [] });
    }
    this.http.verify();
    this.harness.fixture.destroy();
    await this.server.close();
  }

  get element(): HTMLElement {
    return this.harness.fixture.nativeElement as HTMLElement;
  }

  text(): string {
    return this.element.textContent?.replace(/\s+/g, ' ') ?? '';
  }

  query<T extends Element = HTMLElement>(selector: string): T | null {
    return this.element.querySelector<T>(selector);
  }

  /** The button whose text contains `label`. */
  button(label: string, within: ParentNode = this.element): HTMLButtonElement | null {
    return (
      [...within.querySelectorAll<HTMLButtonElement>('button')].find((button) =>
        button.textContent?.includes(label),
      ) ?? null
    );
  }

  /** Every later join and get_state is answered with this project state. */
  serve(extra: Partial<ProjectSnapshot>): void {
    this.server.snapshot = (projectId, seq) => ({ ...snapshotOf(projectId, seq), ...extra });
  }

  /** Opens the page and answers its REST calls: the project, an empty chat, the file list. */
  async open(): Promise<void> {
    await this.harness.navigateByUrl(`/project/${PROJECT}`);
    await this.render();
    this.http.expectOne(PROJECT_URL).flush({
      id: PROJECT,
      name: 'Todo app',
      description: 'A todo list',
      state: 'IDLE',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    this.http
      .expectOne((request) => request.url === `${PROJECT_URL}/messages`)
      .flush({ items: [], nextCursor: null });
    this.http.expectOne(`${PROJECT_URL}/files`).flush({ files: [] });
    await this.render();
    await this.eventually(() => this.server.count('join') === 1, 'the join');
  }

  async render(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.harness.fixture.whenStable();
  }

  async eventually(probe: () => boolean, what: string): Promise<void> {
    await until(() => {
      this.harness.fixture.detectChanges();
      return probe();
    }, what);
  }

  /** The request to `url` once the page has made it. */
  async requestTo(url: string): Promise<TestRequest> {
    let found: TestRequest | undefined;
    await this.eventually(() => {
      [found] = this.http.match(url);
      return found !== undefined;
    }, `a request to ${url}`);
    return found!;
  }

  /**
   * Answers the preview link the page asks for once the project has an app to show: a saved
   * version, a finished phase or a dev-server start.
   */
  async answerPreview(): Promise<void> {
    (await this.requestTo(`${PROJECT_URL}/preview`)).flush({
      url: 'http://p1.preview.localhost:3004/?forge_preview_token=one',
    });
  }

  /** Sends an agent event of the project, numbered `seq`, as the gateway would. */
  emit(seq: number, event: UnsequencedEvent): void {
    const full = { ...event, projectId: PROJECT, seq } as ServerEvent;
    this.server.latest.emit(full.type, full);
  }
}
