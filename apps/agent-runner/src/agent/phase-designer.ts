import { type ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import {
  ErrorCode,
  formatForgeTaskLine,
  parsePhaseDesignAnswer,
  type PhaseDesign,
  type PhaseInfo,
} from '@forge/protocol';
import { type LlmClient } from '../llm/llm-client';
import { describeRetryWait, type RetryPolicy, withRetries } from '../llm/llm-error';
import { AgentFailure } from './agent-failure';
import { listFiles, type SourceFile } from './code-context';
import { renderPrompt } from './prompts';

export interface DesignRequest {
  projectId: string;
  phase: number;
  request: string;
  /** The model the request chose; the configured one when absent. */
  model?: string;
  /** Phases designed before this one (this request's and earlier ones). */
  plan: PhaseInfo[];
  templateFiles: SourceFile[];
  existingFiles: SourceFile[];
  signal: AbortSignal;
  /** Told about every retry (a failed call, an invalid answer), for the user's log. */
  onRetry: (message: string) => Promise<void>;
}

/** Errors named in a fix phase's summary in a design prompt, and the characters of each. */
const FIX_SUMMARY_ERRORS = 3;
const FIX_SUMMARY_ERROR_CHARS = 120;

export function describePlan(plan: PhaseInfo[]): string {
  if (plan.length === 0) {
    return '(nothing yet: this is a new app)';
  }
  return plan
    .map(
      (phase) =>
        `- phase ${phase.number} (${phase.status}): ${phase.name} — ${phase.kind === 'fix' ? summarizeFix(phase) : phase.description}`,
    )
    .join('\n');
}

/**
 * A fix phase in a design prompt: how many errors it mended and the first few in a line each,
 * never the log its own prompt quoted (a design needs to know what went wrong, not the output).
 */
export function summarizeFix(phase: PhaseInfo): string {
  const [intro = '', ...log] = phase.description.split('\n');
  const errors = log.filter((line) => line.trim() && !/^[\s…]/.test(line) && !/:$/.test(line));
  const count = phase.fixing?.length ?? errors.length;
  const named = errors
    .slice(0, FIX_SUMMARY_ERRORS)
    .map((line) =>
      line.length > FIX_SUMMARY_ERROR_CHARS ? `${line.slice(0, FIX_SUMMARY_ERROR_CHARS)}…` : line,
    );
  const what = intro.replace(/, changing only what they need:?$/, '').replace(/:$/, '');
  return `${what} (${count} error${count === 1 ? '' : 's'}${named.length ? `: ${named.join('; ')}${count > named.length ? '; …' : ''}` : ''})`;
}

/**
 * Asks the design model for one phase and validates the JSON; an invalid answer is sent back
 * with the validation error, up to LLM_DESIGN_MAX_ATTEMPTS answers in all.
 */
export class PhaseDesigner {
  constructor(
    private readonly llm: LlmClient,
    private readonly retry: RetryPolicy,
    private readonly maxAttempts: number,
  ) {}

  async design(request: DesignRequest): Promise<PhaseDesign> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: renderPrompt('design.system') },
      {
        role: 'user',
        content: renderPrompt('design.user', {
          taskLine: formatForgeTaskLine('design', request.phase),
          phase: String(request.phase),
          request: request.request,
          planSoFar: describePlan(request.plan),
          templateFiles: listFiles(request.templateFiles),
          existingFiles: listFiles(request.existingFiles),
        }),
      },
    ];
    let lastProblem = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const answer = await withRetries(
        this.retry,
        request.signal,
        () =>
          this.llm.complete({
            role: 'design',
            projectId: request.projectId,
            ...(request.model ? { model: request.model } : {}),
            messages,
            signal: request.signal,
          }),
        (wait) => request.onRetry(describeRetryWait(wait, 'asking again')),
      );
      const parsed = parsePhaseDesignAnswer(answer.text);
      if (parsed.ok) {
        return parsed.design;
      }
      lastProblem = parsed.message;
      if (attempt < this.maxAttempts) {
        await request.onRetry(`the phase design was invalid (${parsed.code}); asking again`);
        messages.push(
          { role: 'assistant', content: answer.text },
          {
            role: 'user',
            content: `That answer cannot be used: ${parsed.message}\nAnswer again with only the JSON object for phase ${request.phase}.`,
          },
        );
      }
    }
    throw new AgentFailure(
      ErrorCode.DesignInvalid,
      `The model gave no valid design for phase ${request.phase} in ${this.maxAttempts} answers (LLM_DESIGN_MAX_ATTEMPTS): ${lastProblem}`,
    );
  }
}
