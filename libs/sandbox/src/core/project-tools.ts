import { SandboxError } from './sandbox-error';
import { type SandboxLogBuffer } from './sandbox-log';
import { type ToolResult } from './sandbox';

/** Limits of Sandbox.runTool, the same for every provider. */
export const TOOL_LIMITS = {
  /** Output kept in ToolResult.output (its tail), in bytes. */
  outputMaxBytes: 64 * 1024,
  /** Most arguments after the tool's name. */
  maxArgs: 64,
  /** Longest single argument, in characters. */
  maxArgChars: 4096,
} as const;

/** Where a project's tools are, relative to its root. */
export const TOOL_BIN_DIR = 'node_modules/.bin';

/** A file name in node_modules/.bin: no slash, not `.` or `..`, not an option. */
const TOOL_NAME = /^[A-Za-z0-9@_+][A-Za-z0-9@._+-]*$/;

/**
 * Checks runTool's argv and returns the tool's name: it must be a plain file name (looked up
 * in node_modules/.bin only, never a path), the arguments within TOOL_LIMITS.
 */
export function checkToolArgv(argv: readonly string[]): string {
  const [name, ...args] = argv;
  if (name === undefined) {
    throw new SandboxError('INVALID_TOOL', 'runTool needs a tool name');
  }
  if (!TOOL_NAME.test(name) || name === '.' || name === '..') {
    throw new SandboxError(
      'INVALID_TOOL',
      `refused tool "${name}": a tool is a plain file name in ${TOOL_BIN_DIR} (no slash, no ..)`,
    );
  }
  if (args.length > TOOL_LIMITS.maxArgs) {
    throw new SandboxError(
      'INVALID_TOOL',
      `${args.length} arguments for ${name}; the limit (maxArgs) is ${TOOL_LIMITS.maxArgs}`,
    );
  }
  for (const arg of args) {
    if (arg.length > TOOL_LIMITS.maxArgChars) {
      throw new SandboxError(
        'INVALID_TOOL',
        `an argument of ${name} has ${arg.length} characters; the limit (maxArgChars) is ${TOOL_LIMITS.maxArgChars}`,
      );
    }
    if (arg.includes('\0')) {
      throw new SandboxError('INVALID_TOOL', `an argument of ${name} holds a NUL character`);
    }
  }
  return name;
}

export function toolNotFound(name: string): SandboxError {
  return new SandboxError(
    'TOOL_NOT_FOUND',
    `the project has no tool "${name}" in ${TOOL_BIN_DIR} (is its package installed?)`,
  );
}

/** How a tool run ended, for the sandbox's system log. */
export function describeToolEnd(
  name: string,
  result: { exitCode: number | null; timedOut: boolean },
  timeoutMs: number,
): string {
  if (result.timedOut) {
    return `${name} stopped after ${timeoutMs} ms (toolTimeoutMs)`;
  }
  return `${name} exited with code ${result.exitCode}`;
}

/**
 * A finished tool run as runTool answers it, logged: a cancelled run throws ABORTED, a timed
 * out one has no exit code.
 */
export function finishToolRun(
  log: SandboxLogBuffer,
  name: string,
  result: { exitCode: number | null; timedOut: boolean; aborted: boolean },
  timeoutMs: number,
  tail: OutputTail,
): ToolResult {
  if (result.aborted) {
    log.append('system', `${name} was cancelled`);
    throw new SandboxError('ABORTED', `${name} was cancelled`);
  }
  log.append('system', describeToolEnd(name, result, timeoutMs));
  const exitCode = result.timedOut ? null : result.exitCode;
  return { exitCode, timedOut: result.timedOut, output: tail.text() };
}

/**
 * Keeps the last TOOL_LIMITS.outputMaxBytes of a byte stream, in arrival order, and decodes
 * them without a character cut in half at the start.
 */
export class OutputTail {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number = TOOL_LIMITS.outputMaxBytes) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.chunks.length > 1 && this.kept - this.chunks[0]!.length >= this.maxBytes) {
      const first = this.chunks.shift()!;
      this.kept -= first.length;
      this.dropped += first.length;
    }
  }

  text(): string {
    let bytes = Buffer.concat(this.chunks);
    let cut = this.dropped;
    if (bytes.length > this.maxBytes) {
      cut += bytes.length - this.maxBytes;
      bytes = bytes.subarray(bytes.length - this.maxBytes);
    }
    // Continuation bytes of a character whose first byte was cut off.
    let start = 0;
    while (cut > 0 && start < 3 && start < bytes.length && (bytes[start]! & 0xc0) === 0x80) {
      start++;
    }
    const text = bytes.subarray(start).toString('utf8');
    if (cut + start === 0) {
      return text;
    }
    return `[${cut + start} earlier bytes cut (outputMaxBytes ${this.maxBytes})]\n${text}`;
  }
}
