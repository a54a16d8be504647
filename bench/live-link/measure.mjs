// From what the browsers received and what the LLM sent: latencies, and whether anything was
// lost or repeated.

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The first index whose value is ≥ `value` (values ascending). */
function lowerBound(values, value) {
  let [low, high] = [0, values.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Milliseconds from the LLM chunk that completed each file_chunk's text to the browser (or to
 * what `arrival` says, e.g. the bench's own runner link). The
 * SCOF parser emits content at line ends, so text of a chunk without a newline travels with
 * the next one; that wait is the model's pace, not the link's, and is not counted here.
 */
export function chunkLatencies(received, answers, arrival = (event, at) => at) {
  const byAnswer = new Map(
    answers.map((answer) => [`${answer.projectId}:${answer.phase}`, answer]),
  );
  /** [when the LLM sent the chunk, latency], in the order met (for --timeline). */
  const points = [];
  let unattributed = 0;
  for (const [projectId, events] of received) {
    let answer;
    let cursor = 0;
    for (const { event, at } of events) {
      if (event.type === 'file_start') {
        const next = byAnswer.get(`${projectId}:${event.phase}`);
        if (next !== answer) cursor = 0;
        answer = next;
        if (!answer) continue;
        const header = answer.text.indexOf(event.path, cursor);
        cursor = header === -1 ? cursor : answer.text.indexOf('\n', header) + 1;
      } else if (event.type === 'file_chunk' && answer) {
        const start = answer.text.startsWith(event.chunk, cursor)
          ? cursor
          : answer.text.indexOf(event.chunk, cursor);
        if (start === -1) {
          unattributed++;
          continue;
        }
        cursor = start + event.chunk.length;
        const k = lowerBound(answer.reached, cursor);
        const reached = arrival(event, at);
        if (k < answer.at.length && reached !== undefined) {
          points.push([answer.at[k], reached - answer.at[k]]);
        } else unattributed++;
      }
    }
  }
  const latencies = points.map(([, latency]) => latency).sort((a, b) => a - b);
  return { latencies, points, unattributed };
}

/**
 * Latencies second by second from `start`: how many chunks, p50, p99 and how many over
 * `slowMs`, to tell a steady tail from bursts (the starts, the phase changes).
 */
export function timeline(points, start, slowMs) {
  const seconds = [];
  for (const [at, latency] of points) {
    const second = Math.max(0, Math.floor((at - start) / 1000));
    (seconds[second] ??= []).push(latency);
  }
  return [...seconds.entries()].map(([second, latencies = []]) => {
    latencies.sort((a, b) => a - b);
    return {
      second,
      count: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      slow: latencies.filter((ms) => ms > slowMs).length,
    };
  });
}

/**
 * Per project, after its join snapshot: seqs must run on by one (one runner numbers them with
 * no gap), each streamed file must add up to its saved content, and the generation must end.
 */
export function integrity(received, snapshotSeqs) {
  let lost = 0;
  let repeated = 0;
  let badFiles = 0;
  let unfinished = 0;
  for (const [projectId, events] of received) {
    let expected = snapshotSeqs.get(projectId) + 1;
    const streamed = new Map();
    let complete = false;
    for (const { event } of events) {
      if (event.seq < expected) repeated++;
      else {
        lost += event.seq - expected;
        expected = event.seq + 1;
      }
      if (event.type === 'file_start') streamed.set(event.path, '');
      if (event.type === 'file_chunk')
        streamed.set(event.path, (streamed.get(event.path) ?? '') + event.chunk);
      if (event.type === 'file_end' && streamed.has(event.path)) {
        if (streamed.get(event.path) !== event.content) badFiles++;
        streamed.delete(event.path);
      }
      if (event.type === 'generation_complete') complete = true;
    }
    if (!complete) unfinished++;
  }
  return { lost, repeated, badFiles, unfinished };
}
