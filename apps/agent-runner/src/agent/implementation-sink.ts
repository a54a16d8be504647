import { encodingOf, ErrorCode, type FileEncoding, type UnsequencedEvent } from '@forge/protocol';
import { type Sandbox } from '@forge/sandbox';
import { deleteSandboxFiles, writeSandboxFiles } from '../sandbox/sandbox-batches';
import { type AgentSnapshotRow, type AgentStore, withPaths } from './agent-store';

/** What the implementer does with what the stream says; the agent persists and emits. */
export interface ImplementationSink {
  /** `encoding`: a binary file, whose content comes whole in fileClosed (no chunks). */
  fileStarted(path: string, encoding?: FileEncoding): Promise<void>;
  fileChunk(path: string, chunk: string): Promise<void>;
  /** `encoding` 'base64': content is the base64 of the binary file's bytes. */
  fileClosed(path: string, content: string, encoding?: FileEncoding): Promise<void>;
  fileDeleted(path: string): Promise<void>;
  /** A refused block, a patch that does not apply, a truncated file: reported, not fatal. */
  problem(code: string, message: string): Promise<void>;
  /** The stream broke and the phase is being asked for again: drop the file in progress. */
  restarting(message: string): Promise<void>;
}

/** Most closed files saved in one statement; the rest wait for the next one. */
export const FILE_SAVE_BATCH_MAX = 50;

/** What the sink needs of the agent it works for: its state row and its event stream. */
export interface SinkOwner {
  readonly runnerId: string;
  readonly store: AgentStore;
  row: AgentSnapshotRow;
  emit(event: UnsequencedEvent): Promise<void>;
}

/** The implementation sink of one phase, with the queue of its closed files. */
export interface PhaseSink extends ImplementationSink {
  /**
   * Resolves once every file closed or deleted so far is saved, written to the sandbox and
   * announced. Rejects with the error that stopped the saves (a LeaseLostError among them) the
   * first time it is called after it; the changes not saved then are dropped, and the agent's
   * row is as the database has it. The agent calls it before any other write to its state row
   * (those check the row version the saves move on) and before reading the files back.
   */
  flush(): Promise<void>;
}

/** A closed file (content) or a deleted one (null), on its way to the database. */
interface FileChange {
  path: string;
  content: string | null;
  encoding?: FileEncoding;
}

/**
 * Persists, writes to the sandbox and announces what one phase's code stream produces. Closed
 * and deleted files go through a queue, saved in batches (one statement each) while the stream
 * goes on, so a generation's chunks never wait for PostgreSQL.
 *
 * A file's `file_end` (or `file_deleted`) is announced after its batch is saved and written to
 * the sandbox, so it may follow the next file's first chunks; clients take it as it comes
 * (nextStreaming keeps the streamed file). Announcing it at close, before the save, would be
 * faster for that one event but lets a client see a file the database does not have: a
 * snapshot read before the save ends would lack it for good (no later event repeats it), and a
 * runner dying before the save would leave it only on the clients that watched, since the
 * resumed phase only re-announces files in files_in_flight and the model need not write it
 * again. Saved first, what a client has seen is always what a snapshot or a resume gives.
 *
 * The phase counts a file as written from its close (the agent's row lists it in
 * filesInFlight at once, so a retried stream skips it); the database lists it once it is
 * saved. A failed save stops the stream: every later call of the sink throws its error.
 */
class QueuedPhaseSink implements PhaseSink {
  private readonly waiting: FileChange[] = [];
  private writing: Promise<void> | null = null;
  private failure: { error: unknown; reported: boolean } | null = null;
  /** The phase's closed paths as agent_states.files_in_flight has them. */
  private savedPaths: string[];

  constructor(
    private readonly owner: SinkOwner,
    private readonly phase: number,
    private readonly sandbox: Sandbox | null,
    private readonly sandboxReady: Promise<void>,
  ) {
    this.savedPaths = [...owner.row.filesInFlight];
  }

  async fileStarted(path: string, encoding?: FileEncoding): Promise<void> {
    this.check();
    await this.owner.emit({ type: 'file_start', path, phase: this.phase, ...encodingOf(encoding) });
  }

  async fileChunk(path: string, chunk: string): Promise<void> {
    this.check();
    await this.owner.emit({ type: 'file_chunk', path, chunk });
  }

  async fileClosed(path: string, content: string, encoding?: FileEncoding): Promise<void> {
    this.check();
    this.enqueue({ path, content, ...encodingOf(encoding) });
  }

  async fileDeleted(path: string): Promise<void> {
    this.check();
    this.enqueue({ path, content: null });
  }

  async problem(code: string, message: string): Promise<void> {
    this.check();
    await this.owner.emit({ type: 'error', code, message, phase: this.phase, fatal: false });
  }

  async restarting(message: string): Promise<void> {
    this.check();
    // The retried call is built from the database: it must hold every file closed so far.
    await this.flush();
    await this.owner.emit({ type: 'log', stream: 'system', text: message });
  }

  async flush(): Promise<void> {
    while (this.writing) {
      await this.writing;
    }
    if (this.failure && !this.failure.reported) {
      this.failure.reported = true;
      throw this.failure.error;
    }
  }

  /** The stream stops at its next step once a save has failed. */
  private check(): void {
    if (this.failure) {
      throw this.failure.error;
    }
  }

  private enqueue(change: FileChange): void {
    this.owner.row = {
      ...this.owner.row,
      filesInFlight: withPaths(this.owner.row.filesInFlight, [change.path]),
    };
    this.waiting.push(change);
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Starts once the caller's step is done: `writing` is set by then.
    await null;
    try {
      while (this.waiting.length > 0) {
        await this.write(this.waiting.splice(0, FILE_SAVE_BATCH_MAX));
      }
    } catch (error) {
      this.failure = { error, reported: false };
      this.waiting.length = 0;
      this.owner.row = { ...this.owner.row, filesInFlight: [...this.savedPaths] };
    } finally {
      this.writing = null;
    }
  }

  private async write(changes: FileChange[]): Promise<void> {
    // A path changed twice in one batch is saved as it ended; every change is announced.
    const last = new Map<string, FileChange>();
    for (const change of changes) {
      last.set(change.path, change);
    }
    const saved: { path: string; content: string; encoding?: FileEncoding }[] = [];
    const deleted: string[] = [];
    for (const [path, change] of last) {
      if (change.content === null) {
        deleted.push(path);
      } else {
        saved.push({ path, content: change.content, ...encodingOf(change.encoding) });
      }
    }
    const filesInFlight = withPaths(
      this.savedPaths,
      changes.map((change) => change.path),
    );
    const { version } = await this.owner.store.saveFiles(this.owner.row, this.owner.runnerId, {
      phase: this.phase,
      saved,
      deleted,
      filesInFlight,
    });
    this.savedPaths = filesInFlight;
    this.owner.row = { ...this.owner.row, version };
    // Saved files are announced even when the sandbox refuses them: clients keep what the
    // database has. The sandbox's error then stops the phase.
    let sandboxError: unknown = null;
    const left: { path: string; reason: string }[] = [];
    try {
      // Files wait for the phase's early install (EarlyInstall): announced once in the sandbox.
      if (this.sandbox) {
        await this.sandboxReady;
      }
      if (this.sandbox && saved.length) {
        left.push(...(await writeSandboxFiles(this.sandbox, saved)));
      }
      if (this.sandbox && deleted.length) {
        await deleteSandboxFiles(this.sandbox, deleted);
      }
    } catch (error) {
      sandboxError = error ?? new Error('the sandbox refused the files');
    }
    for (const { path, reason } of left) {
      await this.owner.emit({
        type: 'error',
        code: ErrorCode.SandboxRefusedFile,
        message: `${path} is saved but not in the preview: ${reason}`,
        phase: this.phase,
        fatal: false,
      });
    }
    for (const { path, content, encoding } of changes) {
      await this.owner.emit(
        content === null
          ? { type: 'file_deleted', path, phase: this.phase }
          : { type: 'file_end', path, content, phase: this.phase, ...encodingOf(encoding) },
      );
    }
    if (sandboxError) {
      throw sandboxError;
    }
  }
}

/**
 * The phase's sink. Its files are written into the sandbox once `sandboxReady` settles (the
 * phase's early install; saving and announcing them waits with them, in that order as ever).
 */
export function createImplementationSink(
  owner: SinkOwner,
  phase: number,
  sandbox: Sandbox | null,
  sandboxReady: Promise<void> = Promise.resolve(),
): PhaseSink {
  return new QueuedPhaseSink(owner, phase, sandbox, sandboxReady);
}
