import { StringDecoder } from 'node:string_decoder';
import type { SandboxLogLine, SandboxLogStream } from './sandbox';

/** Lines kept per sandbox unless configured otherwise; older lines are dropped first. */
export const DEFAULT_LOG_LINES = 2000;
/** A longer line is cut, so one minified blob cannot fill the buffer. */
export const MAX_LOG_LINE_CHARS = 4000;

/**
 * The log lines of one sandbox with their sequence numbers. `seq` keeps growing when old lines
 * are dropped, so a reader that asks `since` its last seq never sees a line twice.
 */
export class SandboxLogBuffer {
  private readonly lines: SandboxLogLine[] = [];
  private seq = 0;

  constructor(private readonly maxLines = DEFAULT_LOG_LINES) {}

  append(stream: SandboxLogStream, text: string): void {
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      const cut = line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)}…` : line;
      this.lines.push({ seq: ++this.seq, time: Date.now(), stream, text: cut });
    }
    if (this.lines.length > this.maxLines) {
      this.lines.splice(0, this.lines.length - this.maxLines);
    }
  }

  since(seq = 0): SandboxLogLine[] {
    const first = this.lines.findIndex((line) => line.seq > seq);
    return first === -1 ? [] : this.lines.slice(first);
  }

  /** A writer that turns a byte stream into whole lines of `stream`; `flush` ends the last one. */
  lineWriter(stream: SandboxLogStream): { write(chunk: Buffer): void; flush(): void } {
    // A character split between two chunks is decoded once both have arrived.
    const decoder = new StringDecoder('utf8');
    let pending = '';
    return {
      write: (chunk) => {
        pending += decoder.write(chunk);
        const end = pending.lastIndexOf('\n');
        if (end === -1) {
          return;
        }
        this.append(stream, pending.slice(0, end));
        pending = pending.slice(end + 1);
      },
      flush: () => {
        pending += decoder.end();
        if (pending.length > 0) {
          this.append(stream, pending);
        }
        pending = '';
      },
    };
  }
}
