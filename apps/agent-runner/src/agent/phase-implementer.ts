import { type ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { formatForgeTaskLine, type PhaseInfo } from '@forge/protocol';
import { applyUnifiedDiff, createScofParser, type ScofEvent } from '@forge/scof';
import { type LlmClient } from '../llm/llm-client';
import { describeRetryWait, type RetryPolicy, withRetries } from '../llm/llm-error';
import { type FileBody } from './agent-store';
import { fullFiles, listFiles, type SourceFile } from './code-context';
import { type ImplementationSink } from './implementation-sink';
import { renderPrompt } from './prompts';

export interface ImplementRequest {
  projectId: string;
  phase: PhaseInfo;
  request: string;
  /** The model the request chose; the configured one when absent. */
  model?: string;
  /** Paths already closed in this phase (a resumed or retried phase keeps them). */
  alreadyWritten: () => ReadonlySet<string>;
  /** The app's files now, as the database has them. */
  currentFiles: () => Promise<Map<string, FileBody>>;
  contextBudget: number;
  /** Touched files longer than this many lines are marked for a patch (AGENT_PATCH_PREFERRED_LINES). */
  patchPreferredLines: number;
  signal: AbortSignal;
}

/** What one answer may write, checked before anything is stored (each named in config). */
export interface AnswerLimits {
  /** AGENT_FILE_MAX_BYTES: largest file saved, in UTF-8 bytes (and the parser's block size). */
  fileMaxBytes: number;
  /** AGENT_BINARY_FILE_MAX_BYTES: largest binary file (a base64 block), in decoded bytes. */
  binaryFileMaxBytes: number;
  /** AGENT_ANSWER_MAX_FILES: most file and patch blocks taken from one answer. */
  maxFiles: number;
  /** AGENT_ANSWER_ERRORS_SHOWN: refusals sent one by one before the rest are only counted. */
  errorsShown: number;
}

/** The config names of the parser's limits, for the messages the user sees. */
const PARSER_LIMIT_NAMES: Record<string, string> = {
  maxFileSize: 'AGENT_FILE_MAX_BYTES',
  maxBinaryFileSize: 'AGENT_BINARY_FILE_MAX_BYTES',
  maxFilesPerAnswer: 'AGENT_ANSWER_MAX_FILES',
};

/** A parser message naming the setting behind its limit rather than the parser's own name. */
function withConfigNames(message: string): string {
  return message.replace(
    /\((maxFileSize|maxBinaryFileSize|maxFilesPerAnswer)\)/g,
    (_all, key: string) => `(${PARSER_LIMIT_NAMES[key]})`,
  );
}

/**
 * The problems of one answer as the user gets them: the first `shown` one by one, then only
 * counted, and the count sent once the answer is over (summary()). A runaway answer of
 * thousands of refused blocks is thus a handful of events, not thousands.
 */
class ProblemReport {
  private more = 0;
  private shownSoFar = 0;

  constructor(
    private readonly sink: ImplementationSink,
    private readonly shown: number,
  ) {}

  async add(code: string, message: string): Promise<void> {
    if (this.shownSoFar < this.shown) {
      this.shownSoFar++;
      await this.sink.problem(code, message);
    } else {
      this.more++;
    }
  }

  async summary(): Promise<void> {
    if (this.more === 0) {
      return;
    }
    const more = this.more;
    this.more = 0;
    await this.sink.problem(
      'MORE_REFUSED',
      `${more} more block${more === 1 ? ' was' : 's were'} refused in this answer (only the first ${this.shown} are reported one by one: AGENT_ANSWER_ERRORS_SHOWN=${this.shown})`,
    );
  }
}

/**
 * Streams one phase's code from the code model through the SCOF parser. Every closed file goes
 * to the sink at once; files closed in an earlier try of this phase are not written again.
 * Returns the packages the answer asked to install.
 */
export class PhaseImplementer {
  constructor(
    private readonly llm: LlmClient,
    private readonly retry: RetryPolicy,
    private readonly limits: AnswerLimits,
  ) {}

  async implement(request: ImplementRequest, sink: ImplementationSink): Promise<string[]> {
    const packages = new Set<string>();
    await withRetries(
      this.retry,
      request.signal,
      async () => {
        const messages = await this.messages(request);
        // A block over fileMaxBytes characters is over as many bytes: the parser drops it early.
        const parser = createScofParser({
          limits: {
            maxFileSize: this.limits.fileMaxBytes,
            maxBinaryFileSize: this.limits.binaryFileMaxBytes,
            maxFilesPerAnswer: this.limits.maxFiles,
          },
          binaryFiles: true,
        });
        const skipped = new Set<string>();
        const problems = new ProblemReport(sink, this.limits.errorsShown);
        const handle = async (events: ScofEvent[]) => {
          for (const event of events) {
            await this.handle(event, request, sink, problems, packages, skipped);
          }
        };
        try {
          await this.llm.complete({
            role: 'code',
            projectId: request.projectId,
            ...(request.model ? { model: request.model } : {}),
            messages,
            signal: request.signal,
            onDelta: (delta) => handle(parser.push(delta)),
          });
          await handle(parser.end());
        } finally {
          // Said for a cut answer too; a sink that can no longer speak keeps the first error.
          await problems.summary().catch(() => undefined);
        }
      },
      (wait) => sink.restarting(describeRetryWait(wait, 'asking for the rest of the phase again')),
    );
    return [...packages];
  }

  private async handle(
    event: ScofEvent,
    request: ImplementRequest,
    sink: ImplementationSink,
    problems: ProblemReport,
    packages: Set<string>,
    skipped: Set<string>,
  ): Promise<void> {
    const done = request.alreadyWritten();
    switch (event.type) {
      case 'file_start':
        if (done.has(event.path)) {
          skipped.add(event.path);
        } else {
          await sink.fileStarted(event.path, event.encoding);
        }
        return;
      case 'file_chunk':
        if (!skipped.has(event.path)) {
          await sink.fileChunk(event.path, event.chunk);
        }
        return;
      case 'file_end':
        if (skipped.delete(event.path)) {
          return;
        }
        if (event.encoding) {
          // The parser held the block to maxBinaryFileSize (AGENT_BINARY_FILE_MAX_BYTES).
          await sink.fileClosed(event.path, event.content, event.encoding);
          return;
        }
        if (await this.tooLarge(event.path, event.content, problems)) {
          return;
        }
        await sink.fileClosed(event.path, event.content);
        return;
      case 'patch': {
        if (done.has(event.path)) {
          return;
        }
        const original = (await request.currentFiles()).get(event.path);
        if (original === undefined) {
          await problems.add('PATCH_FAILED', `cannot patch ${event.path}: the file does not exist`);
          return;
        }
        if (original.encoding) {
          await problems.add(
            'PATCH_FAILED',
            `cannot patch ${event.path}: it is a binary file; write it whole with a \`base64 -d\` block`,
          );
          return;
        }
        const result = applyUnifiedDiff(original.content, event.diff);
        if (!result.ok) {
          await problems.add('PATCH_FAILED', `cannot patch ${event.path}: ${result.message}`);
          return;
        }
        if (await this.tooLarge(event.path, result.content, problems)) {
          return;
        }
        await sink.fileClosed(event.path, result.content);
        return;
      }
      case 'delete':
        if (!done.has(event.path)) {
          await sink.fileDeleted(event.path);
        }
        return;
      case 'install':
        for (const name of event.packages) {
          packages.add(name);
        }
        return;
      case 'error':
        await problems.add(
          `SCOF_${event.code}`,
          `line ${event.line}: ${withConfigNames(event.message)}`,
        );
        return;
      case 'truncated':
        skipped.delete(event.path);
        await problems.add(
          'FILE_TRUNCATED',
          `${event.path} was cut off before its end and was not saved`,
        );
        return;
    }
  }

  /**
   * Refuses a closed file over AGENT_FILE_MAX_BYTES before it is stored: the parser counts
   * characters, and a file of many-byte characters (or a patch's result) can pass it and still
   * be too large for the database row, the sandbox and every later snapshot.
   */
  private async tooLarge(path: string, content: string, problems: ProblemReport): Promise<boolean> {
    const max = this.limits.fileMaxBytes;
    // Every UTF-16 unit is at most 3 UTF-8 bytes: most files need no count at all.
    if (content.length * 3 <= max) {
      return false;
    }
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes <= max) {
      return false;
    }
    await problems.add(
      'FILE_TOO_LARGE',
      `${path} is ${bytes} bytes; the limit (AGENT_FILE_MAX_BYTES) is ${max}; it was not saved`,
    );
    return true;
  }

  private async messages(request: ImplementRequest): Promise<ChatCompletionMessageParam[]> {
    const { phase } = request;
    const files = await request.currentFiles();
    const all: SourceFile[] = [...files].map(([path, body]) => ({ path, ...body }));
    const phasePaths = new Set(phase.files.map((file) => file.path));
    const touched = fullFiles(
      all.filter((file) => phasePaths.has(file.path)),
      request.contextBudget,
      request.patchPreferredLines,
    );
    const others = [...all.filter((file) => !phasePaths.has(file.path)), ...touched.omitted];
    const written = [...request.alreadyWritten()];
    return [
      {
        role: 'system',
        content: renderPrompt('implement.system', {
          binaryFileMaxBytes: String(this.limits.binaryFileMaxBytes),
        }),
      },
      {
        role: 'user',
        content: renderPrompt('implement.user', {
          taskLine: formatForgeTaskLine('implement', phase.number),
          phase: String(phase.number),
          phaseName: phase.name,
          phaseDescription: phase.description,
          request: request.request,
          phaseFiles:
            phase.files.map((file) => `- ${file.path}: ${file.purpose}`).join('\n') || '(none)',
          dependencies: phase.dependencies.length ? phase.dependencies.join(' ') : '(none)',
          dataModel: describeDataModel(phase),
          alreadyWritten: written.length ? written.map((path) => `- ${path}`).join('\n') : '(none)',
          touchedFiles: touched.text,
          otherFiles: listFiles(others),
        }),
      },
    ];
  }
}

/** The phase's tables and routes as the implement prompt lists them. */
export function describeDataModel(phase: Pick<PhaseInfo, 'dataModel' | 'routes'>): string {
  const lines: string[] = [];
  for (const table of phase.dataModel?.tables ?? []) {
    const fields = table.fields.map((field) => `${field.name} ${field.type}`).join(', ');
    lines.push(`- table ${table.name} (${fields})${table.purpose ? `: ${table.purpose}` : ''}`);
  }
  for (const route of phase.routes ?? []) {
    lines.push(`- ${route.method} ${route.path}: ${route.purpose}`);
  }
  return lines.length ? lines.join('\n') : '(none: this phase keeps no data on the server)';
}
