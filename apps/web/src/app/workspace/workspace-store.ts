import { HttpErrorResponse } from '@angular/common/http';
import {
  Injectable,
  type OnDestroy,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { Router } from '@angular/router';
import { isBusyState } from '@forge/protocol/agent/agent-state';
import { ErrorCode } from '@forge/protocol/errors';
import { type CommandAck, type CommandError } from '@forge/protocol/socket/live-events';
import { type ChatMessageView } from '@forge/protocol/socket/project-snapshot';
import { AuthService } from '../auth/auth.service';
import { APP_PATHS, RETURN_URL_PARAM } from '../core/app-paths';
import { httpErrorMessage } from '../core/http-error-message';
import { LiveSocketService, isSignedOutRefusal } from '../live/live-socket.service';
import { ModelsService } from '../models/models.service';
import { type Project } from '../project/project.model';
import { ProjectsService } from '../project/projects.service';
import { StartPromptsService } from '../project/start-prompts.service';
import { FrameBatcher } from './state/frame-batcher';
import { EMPTY_WORKSPACE, type LiveItem, reduceWorkspace } from './state/workspace-state';
import { WorkspaceApiService } from './workspace-api.service';

export type ProjectLoad =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly project: Project }
  | { readonly status: 'missing' }
  | { readonly status: 'failed'; readonly message: string };

/**
 * One open project: its REST data (the project, older chat, the file list before the socket
 * answers) and its live state, folded from the socket's snapshots and events once per frame.
 * Provided by the workspace page, so it lives as long as the page.
 */
@Injectable()
export class WorkspaceStore implements OnDestroy {
  private readonly live = inject(LiveSocketService);
  private readonly api = inject(WorkspaceApiService);
  private readonly projects = inject(ProjectsService);
  private readonly startPrompts = inject(StartPromptsService);
  private readonly auth = inject(AuthService);
  private readonly models = inject(ModelsService);
  private readonly router = inject(Router);
  private readonly batcher = new FrameBatcher<LiveItem>((items) => this.apply(items));
  private unwatch: (() => void) | null = null;
  private snapshotAsked = false;
  private started = false;
  /** The blueprint title the project's name was last read for. */
  private titleSeen: string | null = null;

  private readonly projectIdSignal = signal('');
  readonly projectId = this.projectIdSignal.asReadonly();
  private readonly projectSignal = signal<ProjectLoad>({ status: 'loading' });
  readonly project = this.projectSignal.asReadonly();
  private readonly stateSignal = signal(EMPTY_WORKSPACE);
  readonly state = this.stateSignal.asReadonly();
  private readonly versionListeners = new Set<() => void>();
  readonly view = computed(() => this.state().view);
  readonly busy = computed(() => {
    const view = this.view();
    return view !== null && isBusyState(view.state);
  });
  /**
   * Whether the user may edit files: the agent is idle or done and writes nothing (UI.md: the
   * code is read-only while the agent works). The server refuses a save otherwise anyway.
   */
  readonly editable = computed(() => {
    const view = this.view();
    return view !== null && !isBusyState(view.state) && view.streaming === null;
  });
  readonly latestVersion = computed(() => this.state().latestVersion);
  /** The project's LLM usage: the total the API gave when the page opened, plus what came live. */
  readonly projectUsage = computed(() => {
    const load = this.project();
    const live = this.state().usage;
    const base = load.status === 'ready' ? load.project.usage : null;
    if (!base) {
      return live;
    }
    return {
      tokens: base.promptTokens + base.completionTokens + live.tokens,
      costUsd:
        base.costUsd === null && live.costUsd === null
          ? null
          : (base.costUsd ?? 0) + (live.costUsd ?? 0),
      calls: base.calls + live.calls,
    };
  });
  /** The file with unsaved changes in the code editor, if any (the Code tab marks it). */
  private readonly unsavedPathSignal = signal<string | null>(null);
  readonly unsavedPath = this.unsavedPathSignal.asReadonly();
  readonly connection = this.live.status;
  readonly refusal = this.live.refusal;
  /** Joining was refused for another reason than a missing project (shown on the page). */
  private readonly joinErrorSignal = signal<string | null>(null);
  readonly joinError = this.joinErrorSignal.asReadonly();

  /** The chat input's text, kept here so a refused prompt can be put back. */
  private readonly draftSignal = signal('');
  readonly draft = this.draftSignal.asReadonly();
  /** The prompt on its way, shown in the chat until the server acknowledges it. */
  private readonly sendingSignal = signal<string | null>(null);
  readonly sending = this.sendingSignal.asReadonly();
  /** Whether a new request may be sent now: no generation runs and none is on its way. */
  readonly canGenerate = computed(() => !this.busy() && this.sending() === null);
  /** How many messages there were when the prompt being sent left. */
  private sendingFrom = 0;
  /** The prompt on its way, until the server's copy of it shows in the conversation. */
  readonly pendingPrompt = computed(() => {
    const prompt = this.sending();
    if (prompt === null) {
      return null;
    }
    const arrived = this.messages()
      .slice(this.sendingFrom)
      .some((message) => message.role === 'user' && message.content === prompt);
    return arrived ? null : prompt;
  });
  private readonly sendErrorSignal = signal<string | null>(null);
  readonly sendError = this.sendErrorSignal.asReadonly();

  private readonly history = signal<readonly ChatMessageView[]>([]);
  private readonly historyCursorSignal = signal<string | null>(null);
  readonly historyCursor = this.historyCursorSignal.asReadonly();
  private readonly historyLoadingSignal = signal(false);
  readonly historyLoading = this.historyLoadingSignal.asReadonly();
  private readonly historyErrorSignal = signal<string | null>(null);
  readonly historyError = this.historyErrorSignal.asReadonly();
  readonly messages = computed(() => mergeMessages(this.history(), this.view()?.messages ?? []), {
    equal: sameList,
  });

  /** File paths from REST, until the first snapshot brings the live list. */
  private readonly restPaths = signal<readonly string[]>([]);
  readonly paths = computed(
    () => {
      const view = this.view();
      if (!view) {
        return [...this.restPaths()];
      }
      const paths = Object.keys(view.files);
      const writing = view.streaming?.path;
      return writing && !(writing in view.files) ? [...paths, writing] : paths;
    },
    { equal: sameList },
  );

  constructor() {
    effect(() => {
      if (isSignedOutRefusal(this.refusal())) {
        untracked(() => this.sendToSignIn());
      }
    });
    // The first design names the project (unless its owner did): the name is read again.
    effect(() => {
      const title = this.view()?.blueprint?.title;
      if (title && title !== this.titleSeen) {
        this.titleSeen = title;
        untracked(() => void this.reloadProject());
      }
    });
    effect(() => {
      const view = this.view();
      const load = this.project();
      if (view && load.status === 'ready' && !this.started) {
        this.started = true;
        untracked(() => this.startOrSuggest(load.project));
      }
    });
  }

  /** The project as renamed by its owner, or titled by its first design. */
  setProject(project: Project): void {
    if (this.projectId() === project.id) {
      this.projectSignal.set({ status: 'ready', project });
    }
  }

  /** The chat input's text as the user types it. */
  setDraft(text: string): void {
    this.draftSignal.set(text);
  }

  /** The code editor's file with unsaved changes (null: none). */
  setUnsavedPath(path: string | null): void {
    this.unsavedPathSignal.set(path);
  }

  open(projectId: string): void {
    this.close();
    this.projectIdSignal.set(projectId);
    this.started = false;
    this.titleSeen = null;
    void this.loadProject(projectId);
    void this.loadHistory(projectId, null);
    void this.loadFileList(projectId);
    this.unwatch = this.live.watch(projectId, {
      snapshot: (snapshot) => this.batcher.push({ kind: 'snapshot', snapshot }),
      event: (event) => this.batcher.push({ kind: 'event', event }),
      refused: (error) => this.onRefused(error),
    });
  }

  /**
   * Calls `listener` whenever a new version of the project is made (a phase, an edit, a
   * rollback), straight from the event, not through an effect; answers the unsubscribe.
   */
  onNewVersion(listener: () => void): () => void {
    this.versionListeners.add(listener);
    return () => this.versionListeners.delete(listener);
  }

  ngOnDestroy(): void {
    this.close();
  }

  /** Sends a request (a new app or a change); resolves with whether it was accepted. */
  async generate(text: string): Promise<boolean> {
    const prompt = text.trim();
    if (!prompt || this.sending()) {
      return false;
    }
    this.sendErrorSignal.set(null);
    this.sendingFrom = this.messages().length;
    this.sendingSignal.set(prompt);
    const model = this.models.requested();
    const ack = await this.live.command('generate', {
      projectId: this.projectId(),
      description: prompt,
      ...(model ? { model } : {}),
    });
    this.sendingSignal.set(null);
    if (!ack.ok) {
      this.sendErrorSignal.set(commandMessage(ack.error));
      if (!this.draft().trim()) {
        this.draftSignal.set(prompt);
      }
    }
    return ack.ok;
  }

  async cancel(): Promise<void> {
    this.sendErrorSignal.set(null);
    const ack = await this.live.command('cancel', { projectId: this.projectId() });
    if (!ack.ok) {
      this.sendErrorSignal.set(`Could not stop: ${commandMessage(ack.error)}`);
    }
  }

  /**
   * Saves the user's edit of a file. The acknowledgement only says it was accepted: the saved
   * text comes back as `file_end` and the version it made as `version_created`.
   */
  saveFile(path: string, content: string): Promise<CommandAck> {
    return this.live.command('save_file', { projectId: this.projectId(), path, content });
  }

  /** The project's files become those of `version`; a new version records the rollback. */
  rollback(version: number): Promise<CommandAck> {
    return this.live.command('rollback', { projectId: this.projectId(), version });
  }

  async loadEarlierMessages(): Promise<void> {
    const cursor = this.historyCursor();
    if (cursor && !this.historyLoading()) {
      await this.loadHistory(this.projectId(), cursor);
    }
  }

  private apply(items: LiveItem[]): void {
    const previous = this.state().latestVersion?.number;
    const next = reduceWorkspace(this.state(), items);
    this.stateSignal.set(next);
    if (next.latestVersion && next.latestVersion.number !== previous) {
      for (const listener of this.versionListeners) {
        listener();
      }
    }
    if (items.some((item) => item.kind === 'snapshot')) {
      // A refused join (no runner answered) is over once a snapshot gets through.
      this.joinErrorSignal.set(null);
    }
    if (!next.gap) {
      this.snapshotAsked = false;
    } else if (!this.snapshotAsked) {
      // Some events never arrived: a snapshot puts the page right again.
      this.snapshotAsked = true;
      this.live.refresh(this.projectId());
    }
  }

  private close(): void {
    this.unwatch?.();
    this.unwatch = null;
    this.batcher.dispose();
    this.stateSignal.set(EMPTY_WORKSPACE);
    this.history.set([]);
    this.historyCursorSignal.set(null);
    this.restPaths.set([]);
    this.joinErrorSignal.set(null);
    this.sendErrorSignal.set(null);
    this.snapshotAsked = false;
  }

  /** A project created from a prompt starts on it; an empty one offers its description. */
  private startOrSuggest(project: Project): void {
    const prompt = this.startPrompts.take(project.id);
    const view = this.view();
    const fresh = view?.state === 'IDLE' && view.messages.length === 0;
    if (prompt && fresh) {
      void this.generate(prompt);
    } else if (fresh && Object.keys(view.files).length === 0 && !this.draft()) {
      this.draftSignal.set(project.description);
    }
  }

  private onRefused(error: CommandError): void {
    if (error.code === ErrorCode.ProjectNotFound) {
      this.projectSignal.set({ status: 'missing' });
    } else {
      this.joinErrorSignal.set(`The live view of this project is not available: ${error.message}`);
    }
  }

  private sendToSignIn(): void {
    this.auth.forgetSession();
    void this.router.navigate([APP_PATHS.signIn], {
      queryParams: { [RETURN_URL_PARAM]: this.router.url },
    });
  }

  /** The project's row again, quietly: a failure keeps what is shown. */
  private async reloadProject(): Promise<void> {
    const projectId = this.projectId();
    if (this.project().status !== 'ready') {
      return;
    }
    try {
      this.setProject(await this.projects.get(projectId));
    } catch {
      // The name shown stays; the next visit reads it again.
    }
  }

  private async loadProject(projectId: string): Promise<void> {
    this.projectSignal.set({ status: 'loading' });
    try {
      const project = await this.projects.get(projectId);
      if (this.projectId() === projectId) {
        this.projectSignal.set({ status: 'ready', project });
      }
    } catch (error: unknown) {
      if (this.projectId() !== projectId) {
        return;
      }
      // Someone else's project is a 404 too (DESIGN.md), so both read as "not found".
      this.projectSignal.set(
        error instanceof HttpErrorResponse && error.status === 404
          ? { status: 'missing' }
          : { status: 'failed', message: httpErrorMessage(error, 'load the project') },
      );
    }
  }

  private async loadHistory(projectId: string, cursor: string | null): Promise<void> {
    this.historyLoadingSignal.set(true);
    this.historyErrorSignal.set(null);
    try {
      const page = await this.api.messages(projectId, cursor);
      if (this.projectId() === projectId) {
        this.history.update((known) => mergeMessages(known, page.items));
        this.historyCursorSignal.set(page.nextCursor);
      }
    } catch (error: unknown) {
      if (this.projectId() === projectId && !isNotFound(error)) {
        this.historyErrorSignal.set(httpErrorMessage(error, 'load the chat history'));
      }
    } finally {
      this.historyLoadingSignal.set(false);
    }
  }

  private async loadFileList(projectId: string): Promise<void> {
    try {
      const files = await this.api.files(projectId);
      if (this.projectId() === projectId) {
        this.restPaths.set(files.map((file) => file.path));
      }
    } catch {
      // The snapshot brings the same list; a failure here is reported by the project load.
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof HttpErrorResponse && error.status === 404;
}

/** A refused command in words: the server's messages already say what to do next. */
export function commandMessage(error: CommandError): string {
  return error.message.trim() || `The command was refused (${error.code}).`;
}

/** Messages by id, oldest first: the REST history and the live ones overlap. */
export function mergeMessages(
  known: readonly ChatMessageView[],
  incoming: readonly ChatMessageView[],
): ChatMessageView[] {
  const byId = new Map(known.map((message) => [message.id, message]));
  for (const message of incoming) {
    byId.set(message.id, message);
  }
  return [...byId.values()].sort((a, b) =>
    a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? -1 : 1,
  );
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
