import { FILE_HEADERS_ONLY, formatPatch, type StructuredPatch, structuredPatch } from 'diff';
import {
  base64ByteLength,
  type ProjectFile,
  sameFileContent,
  type VersionDiff,
} from '@forge/protocol';

export type FileContent = ProjectFile;

export type FileDiff = VersionDiff['files'][number];

/**
 * Most line edits jsdiff looks for before it gives up on a minimal diff of one file: its
 * search grows with (lines × edits), so two long, wholly different files would hold the event
 * loop for a second or more. Past it the file is shown as all its old lines out, all new in.
 */
export const DIFF_MAX_EDIT_LENGTH = 1_000;

/** Lines of unchanged context around each change, as `diff -u` and git show. */
const CONTEXT_LINES = 3;

/**
 * What changed from `before` to `after` (two whole file sets), one entry per added, removed or
 * changed path, sorted by path; each with a unified diff whose headers are git's
 * (`--- a/path`, `+++ b/path`, `/dev/null` for a side that does not exist).
 */
export function diffFileSets(
  before: readonly FileContent[],
  after: readonly FileContent[],
): FileDiff[] {
  const old = new Map(before.map((file) => [file.path, file]));
  const next = new Map(after.map((file) => [file.path, file]));
  const paths = [...new Set([...old.keys(), ...next.keys()])].sort(byCodeUnits);
  const files: FileDiff[] = [];
  for (const path of paths) {
    const was = old.get(path);
    const is = next.get(path);
    if (was && is && sameFileContent(was, is)) {
      continue;
    }
    const status = was === undefined ? 'added' : is === undefined ? 'removed' : 'changed';
    const diff =
      was?.encoding || is?.encoding
        ? binaryDiff(path, was, is)
        : unifiedDiff(path, was?.content, is?.content);
    files.push({ path, status, diff });
  }
  return files;
}

/**
 * A binary file (or a file that turned binary or text) is not diffed line by line: git's
 * `Binary files … differ` line, with the sizes on each side.
 */
function binaryDiff(path: string, was?: FileContent, is?: FileContent): string {
  const oldName = was === undefined ? '/dev/null' : `a/${path}`;
  const newName = is === undefined ? '/dev/null' : `b/${path}`;
  return `Binary files ${oldName} (${sizeOf(was)}) and ${newName} (${sizeOf(is)}) differ\n`;
}

function sizeOf(file?: FileContent): string {
  if (!file) {
    return 'none';
  }
  const bytes = file.encoding
    ? base64ByteLength(file.content)
    : Buffer.byteLength(file.content, 'utf8');
  return `${bytes} bytes`;
}

function unifiedDiff(path: string, was: string | undefined, is: string | undefined): string {
  const oldName = was === undefined ? '/dev/null' : `a/${path}`;
  const newName = is === undefined ? '/dev/null' : `b/${path}`;
  const options = { context: CONTEXT_LINES, maxEditLength: DIFF_MAX_EDIT_LENGTH };
  const patch =
    structuredPatch(oldName, newName, was ?? '', is ?? '', undefined, undefined, options) ??
    replacement(oldName, newName, was ?? '', is ?? '');
  return formatPatch(patch, FILE_HEADERS_ONLY);
}

/** One hunk taking every old line out and putting every new one in: linear, never gives up. */
function replacement(oldName: string, newName: string, was: string, is: string): StructuredPatch {
  const removed = structuredPatch(oldName, newName, was, '', undefined, undefined, { context: 0 });
  const added = structuredPatch(oldName, newName, '', is, undefined, undefined, { context: 0 });
  const out = removed.hunks[0];
  const into = added.hunks[0];
  return {
    ...removed,
    hunks: [
      {
        oldStart: out?.oldStart ?? 0,
        oldLines: out?.oldLines ?? 0,
        newStart: into?.newStart ?? 0,
        newLines: into?.newLines ?? 0,
        lines: [...(out?.lines ?? []), ...(into?.lines ?? [])],
      },
    ],
  };
}

/** Plain code-unit order, like PostgreSQL's COLLATE "C" that the files listing uses. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
