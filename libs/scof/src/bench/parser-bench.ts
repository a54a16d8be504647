import { performance } from 'node:perf_hooks';
import { type ScofEvent, type ScofParserOptions } from '../scof-events';
import { createScofParser } from '../scof-parser';

export interface ParserBenchOptions {
  /** Size of the answer to build from the samples, in characters. */
  targetSize?: number;
  /**
   * Samples shorter than this are left out. The corpus holds many tiny answers that each test one
   * variant with one-line files; real answers write files of a few kilobytes with some prose.
   */
  minSampleChars?: number;
  chunkSizes?: number[];
  /** Untimed runs per chunk size, for at least this long, so the JIT has settled. */
  warmupMs?: number;
  /** Timed runs per chunk size; the median and the best are reported. */
  runs?: number;
}

export interface ParserBenchResult {
  chunkSize: number;
  pushes: number;
  medianMs: number;
  bestMs: number;
  /** From the median run. */
  megabytesPerSecond: number;
  bestMegabytesPerSecond: number;
  /**
   * From the median CPU time of a run: the process's (GC helper threads included), so time spent
   * waiting for a core that other processes hold does not count, as it does in the wall-clock
   * figures on a busy machine.
   */
  cpuMegabytesPerSecond: number;
  microsecondsPerPush: number;
}

export interface ParserBenchReport {
  answerChars: number;
  samplesUsed: number;
  files: number;
  runs: number;
  results: ParserBenchResult[];
}

/**
 * Measures the SCOF parser on a large answer built by repeating sample answers (the well-formed
 * answers of the test corpus), fed in chunks of each size. Every chunking
 * is first checked to give the same files as one push, so a fast but wrong parser cannot pass.
 * The limit on files per answer is raised, not switched off: a 2 MB answer holds more files than
 * any real one, and each is still checked.
 */
export function runParserBench(
  samples: string[],
  options: ParserBenchOptions = {},
): ParserBenchReport {
  const { targetSize = 2_000_000, minSampleChars = 0, chunkSizes = [1, 16, 256] } = options;
  const { warmupMs = 1000, runs = 15 } = options;
  const parserOptions: ScofParserOptions = { limits: { maxFilesPerAnswer: 1_000_000 } };
  // Samples that only test refusals, or end inside a block (which would swallow everything after
  // them), are left out.
  const wellFormed = samples.filter((sample) => {
    if (sample.length < minSampleChars) {
      return false;
    }
    return isWellFormed(sample + '\n', parserOptions);
  });
  if (wellFormed.length === 0) {
    throw new Error('no well-formed sample answer to build from');
  }
  const pieces: string[] = [];
  for (let i = 0, size = 0; size < targetSize; i++) {
    pieces.push(wellFormed[i % wellFormed.length]! + '\n');
    size += pieces[i]!.length;
  }
  const answer = pieces.join('');
  const reference = filesOf([answer], parserOptions);

  const results = chunkSizes.map((chunkSize): ParserBenchResult => {
    const chunks = cut(answer, chunkSize);
    if (filesOf(chunks, parserOptions) !== reference) {
      throw new Error(`chunks of ${chunkSize} give other files than one push`);
    }
    const warmupStart = performance.now();
    while (performance.now() - warmupStart < warmupMs) {
      timeRun(chunks, parserOptions);
    }
    const measured = Array.from({ length: runs }, () => timeRun(chunks, parserOptions));
    const times = measured.map((run) => run.wallMs).sort((a, b) => a - b);
    const cpuTimes = measured.map((run) => run.cpuMs).sort((a, b) => a - b);
    const medianMs = times[Math.floor(times.length / 2)]!;
    const bestMs = times[0]!;
    const medianCpuMs = cpuTimes[Math.floor(cpuTimes.length / 2)]!;
    return {
      chunkSize,
      pushes: chunks.length,
      medianMs,
      bestMs,
      megabytesPerSecond: answer.length / 1e3 / medianMs,
      bestMegabytesPerSecond: answer.length / 1e3 / bestMs,
      cpuMegabytesPerSecond: answer.length / 1e3 / medianCpuMs,
      microsecondsPerPush: (medianMs * 1000) / chunks.length,
    };
  });
  const files = reference === '' ? 0 : reference.split('\0').length / 2;
  return { answerChars: answer.length, samplesUsed: wellFormed.length, files, runs, results };
}

/** One parse of the chunks: its wall-clock and CPU time, in milliseconds. */
function timeRun(chunks: string[], options: ScofParserOptions): { wallMs: number; cpuMs: number } {
  const parser = createScofParser(options);
  let events = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (const chunk of chunks) {
    events += parser.push(chunk).length;
  }
  events += parser.end().length;
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  if (events === 0) {
    throw new Error('the parser reported nothing');
  }
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Pieces of text as fresh flat strings, like the deltas an LLM client parses from JSON (a slice
 * would be a view into the whole answer, which V8 reads more slowly).
 */
function cut(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let pos = 0; pos < text.length; pos += size) {
    chunks.push(Array.from(text.slice(pos, pos + size)).join(''));
  }
  return chunks;
}

/**
 * Every completed file, path and content, to compare chunkings. Events are not kept: kept in
 * bulk they would make V8 allocate such objects in the old generation from then on (pretenuring),
 * which slows every later run and is not how a consumer uses the parser.
 */
function filesOf(chunks: string[], options: ScofParserOptions): string {
  const parser = createScofParser(options);
  const files: string[] = [];
  const keep = (events: ScofEvent[]) => {
    for (const e of events) {
      if (e.type === 'file_end') {
        files.push(`${e.path}\0${e.content}`);
      }
    }
  };
  for (const chunk of chunks) {
    keep(parser.push(chunk));
  }
  keep(parser.end());
  return files.join('\0');
}

function isWellFormed(sample: string, options: ScofParserOptions): boolean {
  const parser = createScofParser(options);
  const events = [...parser.push(sample), ...parser.end()];
  return !events.some((e) => e.type === 'truncated' || e.type === 'error');
}
