/** What ContainerSandbox asks of one container platform (Docker, Kubernetes) for one project. */
export interface ContainerBackend {
  /**
   * Creates the project's container (and what goes with it) when absent, starts it when stopped,
   * and returns once commands can run in it with the template copied into the workspace.
   * Returns true when it had to create or start something.
   */
  ensureRunning(): Promise<boolean>;
  state(): Promise<'absent' | 'stopped' | 'running'>;
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Unpacks a tar at the workspace root. */
  putArchive(tar: Buffer): Promise<void>;
  /** Where the runner or the preview proxy reaches the dev server. */
  devServerUrl(): Promise<string>;
  /** True once the dev server answers (one probe, no waiting). */
  devServerAnswers(): Promise<boolean>;
  /** Stops everything running for the project; the workspace stays. */
  stop(): Promise<void>;
  /** Removes everything the project has on the platform, the workspace included. */
  destroy(): Promise<void>;
}

export interface ExecRequest {
  argv: string[];
  /** Bytes for the command's standard input (closed after them). */
  stdin?: Buffer;
  /** Called with output as it arrives; output is then not collected. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void;
  /** Most bytes collected per stream; the rest is dropped and `truncated` set. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** null when the platform could not tell (the connection broke). */
  exitCode: number | null;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
}

/** Default cap on the output an exec collects, in bytes. */
export const DEFAULT_EXEC_OUTPUT_BYTES = 4 * 1024 * 1024;

/** Collects an exec's output within a byte budget. */
export class OutputCollector {
  private readonly chunks: { stdout: Buffer[]; stderr: Buffer[] } = { stdout: [], stderr: [] };
  private readonly sizes = { stdout: 0, stderr: 0 };
  truncated = false;

  constructor(private readonly maxBytes = DEFAULT_EXEC_OUTPUT_BYTES) {}

  add(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const room = this.maxBytes - this.sizes[stream];
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept !== chunk) {
      this.truncated = true;
    }
    this.chunks[stream].push(kept);
    this.sizes[stream] += kept.length;
  }

  result(exitCode: number | null): ExecResult {
    return {
      exitCode,
      stdout: Buffer.concat(this.chunks.stdout),
      stderr: Buffer.concat(this.chunks.stderr),
      truncated: this.truncated,
    };
  }
}
