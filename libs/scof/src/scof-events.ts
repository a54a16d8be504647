/**
 * Limits of the SCOF parser. Each one is named in the error it produces, so a user (or the agent
 * feeding the error back to the LLM) knows which limit was hit.
 */
export const SCOF_LIMITS = {
  /**
   * Largest file (or diff) accepted from one block, in characters (UTF-16 code units, a cheap
   * stand-in for bytes that needs no encoding pass). A larger block is refused as a whole.
   */
  maxFileSize: 1_048_576,
  /** Longest line, in characters, not counting its "\n". A block holding one is refused. */
  maxLineLength: 65_536,
  /** Most file and patch blocks accepted in one answer; later blocks are refused. */
  maxFilesPerAnswer: 500,
  /**
   * Largest binary file (`base64 -d > path << EOF`) accepted, in decoded bytes. Its base64 text
   * is not counted against maxFileSize. A larger block is refused as a whole.
   */
  maxBinaryFileSize: 1_048_576,
} as const;

export type ScofLimits = { -readonly [K in keyof typeof SCOF_LIMITS]: number };

export type ScofErrorCode =
  /** A block or rm names a path that checkProjectPath refuses; the block's content is skipped. */
  | 'INVALID_PATH'
  /** An install argument that parsePackageSpec refuses; the valid ones are still installed. */
  | 'INVALID_PACKAGE'
  /** An install line names more than PACKAGE_SPEC_LIMITS.maxPackagesPerInstall packages. */
  | 'TOO_MANY_PACKAGES'
  /**
   * An install whose package list holds shell syntax (`;`, `&&`, `|`, a redirection, a backtick,
   * `$`): refused whole, nothing of it installed.
   */
  | 'SHELL_SYNTAX'
  /** A binary block whose content is not base64 as `base64 -d` reads it; the block is refused. */
  | 'INVALID_BASE64'
  /** A block grew past maxFileSize (maxBinaryFileSize); it is refused (no file_end / patch). */
  | 'FILE_TOO_LARGE'
  /** A line is longer than maxLineLength; a block holding it is refused, other lines dropped. */
  | 'LINE_TOO_LONG'
  /** More than maxFilesPerAnswer blocks; the extra blocks are refused. */
  | 'TOO_MANY_FILES'
  /** A heredoc we do not run (`cat >>`, `python <<`, `tee`…); its content is skipped. */
  | 'UNSUPPORTED_COMMAND'
  /**
   * A command we recognise but cannot read (unclosed quote, heredoc without a marker…). When the
   * line opens a heredoc, its content is skipped up to its marker, or to the end of the answer
   * when the marker cannot be read.
   */
  | 'MALFORMED_COMMAND'
  /** A patch block without a usable path was still open at the end of the stream. */
  | 'TRUNCATED';

/**
 * How a file's content is written in its events: absent for text; 'base64' for a binary block,
 * whose content is the base64 of its bytes (no line breaks, padded) and which has no file_chunk
 * events (Buffer.from(content, 'base64') gives the bytes).
 */
export type ScofFileEncoding = 'base64';

/** A file block opened: content follows in file_chunk events (text files only). */
export interface ScofFileStartEvent {
  type: 'file_start';
  path: string;
  encoding?: ScofFileEncoding;
}

/** Whole lines of the open file, emitted as they arrive. */
export interface ScofFileChunkEvent {
  type: 'file_chunk';
  path: string;
  chunk: string;
}

/**
 * A file block closed; content is the concatenation of its file_chunk chunks, or, with encoding
 * 'base64', the base64 of the binary file's bytes.
 */
export interface ScofFileEndEvent {
  type: 'file_end';
  path: string;
  content: string;
  encoding?: ScofFileEncoding;
}

/** A complete patch block: a unified diff to apply to path (see applyUnifiedDiff). */
export interface ScofPatchEvent {
  type: 'patch';
  path: string;
  diff: string;
}

export interface ScofDeleteEvent {
  type: 'delete';
  path: string;
}

/** Package specs that passed parsePackageSpec, as written (`zustand@5`, `@types/node`). */
export interface ScofInstallEvent {
  type: 'install';
  packages: string[];
}

export interface ScofErrorEvent {
  type: 'error';
  code: ScofErrorCode;
  message: string;
  /** 1-based line of the stream the problem is on. */
  line: number;
  /** The block concerned, when it has an accepted path (e.g. a file refused for its size). */
  path?: string;
}

/** A block still open when the stream ended: never saved as complete. */
export interface ScofTruncatedEvent {
  type: 'truncated';
  path: string;
}

/**
 * What the parser reports. Every `path` in an event has passed checkProjectPath; paths that did
 * not appear only inside error messages.
 */
export type ScofEvent =
  | ScofFileStartEvent
  | ScofFileChunkEvent
  | ScofFileEndEvent
  | ScofPatchEvent
  | ScofDeleteEvent
  | ScofInstallEvent
  | ScofErrorEvent
  | ScofTruncatedEvent;

export type ScofEventType = ScofEvent['type'];

export interface ScofParserOptions {
  /** Overrides of SCOF_LIMITS (tests use small ones). */
  limits?: Partial<ScofLimits>;
  /**
   * Reads binary blocks (`base64 -d > path << EOF`) as files with encoding 'base64'. Off, they
   * are skipped as UNSUPPORTED_COMMAND: a consumer turns it on once it stores bytes, so that it
   * never saves base64 text as the file.
   */
  binaryFiles?: boolean;
}

/**
 * The arrays returned are the caller's to read, not to change: a call that completes nothing
 * returns one shared (frozen) empty array rather than a fresh one, most pushes of a token stream
 * being such.
 */
export interface ScofParser {
  /** Feeds the next piece of the stream; returns the events it completes. */
  push(chunk: string): ScofEvent[];
  /** Ends the stream: reads a last line without "\n" and reports a block still open. */
  end(): ScofEvent[];
}
