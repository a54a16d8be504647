/** Paths a request added, changed and removed, each in byte order. */
export interface FileChange {
  added: string[];
  changed: string[];
  removed: string[];
}

export function diffFiles(before: Map<string, string>, now: Map<string, string>): FileChange {
  const sorted = (paths: string[]) => paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    added: sorted([...now.keys()].filter((path) => !before.has(path))),
    changed: sorted(
      [...now]
        .filter(([path, content]) => before.has(path) && before.get(path) !== content)
        .map(([path]) => path),
    ),
    removed: sorted([...before.keys()].filter((path) => !now.has(path))),
  };
}

/** Paths shown by name in the "Done" message before the rest are counted. */
const DONE_PATHS_NAMED = 3;

/** "Done in 2 phases: added src/a.ts; changed src/App.tsx and 2 more." */
export function doneMessage(phases: number, change: FileChange): string {
  const part = (verb: string, paths: string[]) => {
    if (!paths.length) {
      return null;
    }
    const named = paths.slice(0, DONE_PATHS_NAMED).join(', ');
    const more = paths.length - DONE_PATHS_NAMED;
    return `${verb} ${named}${more > 0 ? ` and ${more} more` : ''}`;
  };
  const parts = [
    part('added', change.added),
    part('changed', change.changed),
    part('removed', change.removed),
  ].filter((text): text is string => text !== null);
  const what = parts.length ? parts.join('; ') : 'no file changed';
  return `Done in ${count(phases, 'phase')}: ${what}.`;
}

/** " Used 12,345 tokens ($0.0412)." after a request that made LLM calls. */
export function usageSentence(usage: { tokens: number; costUsd: number | null; calls: number }) {
  if (usage.calls === 0) {
    return '';
  }
  const cost = usage.costUsd === null ? '' : ` ($${usage.costUsd.toFixed(4)})`;
  return ` Used ${usage.tokens.toLocaleString('en-US')} tokens${cost}.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
