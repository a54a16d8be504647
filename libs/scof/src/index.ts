/**
 * SCOF, the code stream format of LLM answers, read as it streams (pure: no I/O, no clock).
 *
 * Choices made where the format leaves room:
 * - Content is kept byte for byte, "\r" included: a CRLF answer gives CRLF files (a `.bat` may
 *   need them). Command and marker lines tolerate "\r" and trailing blanks.
 * - Outside blocks, only lines starting with a known command word are read (cat, rm, bun/npm/
 *   yarn/pnpm installs, patch…); prose, fences, `#` comments and commands we do not run
 *   (`npm run dev`, `curl … | sh`, `sh x`, `echo > f`) are ignored without an error, since no
 *   command is ever run. A heredoc we do not read (`cat >>`, `python <<`, `tee`) is an
 *   UNSUPPORTED_COMMAND error and its content is skipped, never read as commands.
 * - Chained lines (`cd app && bun add x; rm y`) are split at `&&`, `||`, `;`, `|`, `&`, and each
 *   command is checked on its own: nothing reaches a shell.
 * - A leading `./` is dropped from paths; any other odd form is left to checkProjectPath. No URL
 *   decoding happens: `%2e%2e` is a literal (and harmless) folder name.
 * - A block over maxFileSize or holding a line over maxLineLength is refused whole: an error
 *   event with its path, no file_end; the file_chunk events already sent stay a prefix of it.
 * - Partial lines are streamed once their first character shows they cannot be the marker; a
 *   line that may be the marker is held until its "\n" (or end()).
 */
export * from './scof-events';
export { createScofParser } from './scof-parser';
export {
  applyUnifiedDiff,
  DIFF_NEAR_WINDOW,
  type ApplyDiffResult,
  type FailedHunk,
} from './apply-unified-diff';
