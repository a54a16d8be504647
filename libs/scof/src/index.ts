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
 * - A block line that is refused (a bad path, too many blocks) or cannot be read (an unclosed
 *   quote: `cat > "f.js' << 'EOF'`) still has its content skipped up to its marker, which is read
 *   from the text of the line (each `<<` and the word after it, quotes dropped) when the words
 *   cannot be. When no marker can be read (`cat > a.ts <<`, or two that differ), the rest of the
 *   answer is skipped, with a MALFORMED_COMMAND error saying so: a file's content read as
 *   commands could delete or install anything, a lost rest of an answer is reported and redone.
 *   A line with two heredocs reads the first; the second one's content follows it, skipped.
 *   A command line over maxLineLength is thrown away as it streams: when it holds a `<<`, its
 *   marker is lost with it, and the rest of the answer is skipped too.
 * - Chained lines (`cd app && rm y; rm z`) are split at `&&`, `||`, `;`, `|`, `&`, and each
 *   command is checked on its own: nothing reaches a shell. An install is the exception: one
 *   with anything but package words after its subcommand (`;`, `&&`, `|`, a redirection, a
 *   backtick, `$`) is refused whole (SHELL_SYNTAX), not half installed; `cd app && bun add x`
 *   and a trailing `# comment` are fine.
 * - `base64 -d > path << EOF` (also `--decode`, `-D`, the marker first, `<<-`) is a binary
 *   file when the consumer turns binaryFiles on: its lines must be base64 as `base64 -d` reads
 *   it (blanks around a line aside), the decoded size is held to maxBinaryFileSize, and the file
 *   events carry encoding 'base64' with the whole base64 in file_end (no file_chunk). Off, it is
 *   an UNSUPPORTED_COMMAND like other heredocs we do not read.
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
