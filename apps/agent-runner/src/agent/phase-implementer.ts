import { type ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { formatForgeTaskLine, type PhaseInfo } from '@forge/protocol';
import { applyUnifiedDiff, createScofParser, type ScofEvent } from '@forge/scof';
import { type LlmClient } from '../llm/llm-client';
import { describeRetryWait, type RetryPolicy, withRetries } from '../llm/llm-error';
import { fullFiles, listFiles, type SourceFile } from './code-context';
import { renderPrompt } from './prompts';

/** What the implementer does with what the stream says; the agent persists and emits. */
export interface ImplementationSink {
  fileStarted(path: string): Promise<void>;
  fileChunk(path: string, chunk: string): Promise<void>;
  fileClosed(path: string, content: string): Promise<void>;
  fileDeleted(path: string): Promise<void>;
  /** A refused block, a patch that does not apply, a truncated file: reported, not fatal. */
  problem(code: string, message: string): Promise<void>;
  /** The stream broke and the phase is being asked for again: drop the file in progress. */
  restarting(message: string): Promise<void>;
}

export interface ImplementRequest {
  projectId: string;
  phase: PhaseInfo;
  request: string;
  /** Paths already closed in this phase (a resumed or retried phase keeps them). */
  alreadyWritten: () => ReadonlySet<string>;
  /** The app's files now, as the database has them. */
  currentFiles: () => Promise<Map<string, string>>;
  contextBudget: number;
  /** Touched files longer than this many lines are marked for a patch (AGENT_PATCH_PREFERRED_LINES). */
  patchPreferredLines: number;
  signal: AbortSignal;
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
  ) {}

  async implement(request: ImplementRequest, sink: ImplementationSink): Promise<string[]> {
    const packages = new Set<string>();
    await withRetries(
      this.retry,
      request.signal,
      async () => {
        const messages = await this.messages(request);
        const parser = createScofParser();
        const skipped = new Set<string>();
        const handle = async (events: ScofEvent[]) => {
          for (const event of events) await this.handle(event, request, sink, packages, skipped);
        };
        await this.llm.complete({
          role: 'code',
          projectId: request.projectId,
          messages,
          signal: request.signal,
          onDelta: (delta) => handle(parser.push(delta)),
        });
        await handle(parser.end());
      },
      (wait) => sink.restarting(describeRetryWait(wait, 'asking for the rest of the phase again')),
    );
    return [...packages];
  }

  private async handle(
    event: ScofEvent,
    request: ImplementRequest,
    sink: ImplementationSink,
    packages: Set<string>,
    skipped: Set<string>,
  ): Promise<void> {
    const done = request.alreadyWritten();
    switch (event.type) {
      case 'file_start':
        if (done.has(event.path)) skipped.add(event.path);
        else await sink.fileStarted(event.path);
        return;
      case 'file_chunk':
        if (!skipped.has(event.path)) await sink.fileChunk(event.path, event.chunk);
        return;
      case 'file_end':
        if (skipped.delete(event.path)) return;
        await sink.fileClosed(event.path, event.content);
        return;
      case 'patch': {
        if (done.has(event.path)) return;
        const original = (await request.currentFiles()).get(event.path);
        if (original === undefined) {
          await sink.problem('PATCH_FAILED', `cannot patch ${event.path}: the file does not exist`);
          return;
        }
        const result = applyUnifiedDiff(original, event.diff);
        if (result.ok) await sink.fileClosed(event.path, result.content);
        else await sink.problem('PATCH_FAILED', `cannot patch ${event.path}: ${result.message}`);
        return;
      }
      case 'delete':
        if (!done.has(event.path)) await sink.fileDeleted(event.path);
        return;
      case 'install':
        for (const name of event.packages) packages.add(name);
        return;
      case 'error':
        await sink.problem(`SCOF_${event.code}`, `line ${event.line}: ${event.message}`);
        return;
      case 'truncated':
        skipped.delete(event.path);
        await sink.problem(
          'FILE_TRUNCATED',
          `${event.path} was cut off before its end and was not saved`,
        );
        return;
    }
  }

  private async messages(request: ImplementRequest): Promise<ChatCompletionMessageParam[]> {
    const { phase } = request;
    const files = await request.currentFiles();
    const all: SourceFile[] = [...files].map(([path, content]) => ({ path, content }));
    const phasePaths = new Set(phase.files.map((file) => file.path));
    const touched = fullFiles(
      all.filter((file) => phasePaths.has(file.path)),
      request.contextBudget,
      request.patchPreferredLines,
    );
    const others = [...all.filter((file) => !phasePaths.has(file.path)), ...touched.omitted];
    const written = [...request.alreadyWritten()];
    return [
      { role: 'system', content: renderPrompt('implement.system') },
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
          alreadyWritten: written.length ? written.map((path) => `- ${path}`).join('\n') : '(none)',
          touchedFiles: touched.text,
          otherFiles: listFiles(others),
        }),
      },
    ];
  }
}
