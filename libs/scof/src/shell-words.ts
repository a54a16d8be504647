/** A word (quotes removed) or a shell operator such as `>`, `<<`, `|`, `&&`. */
export interface ShellToken {
  text: string;
  operator: boolean;
}

// Longest first, so that `<<-` is not read as `<<` followed by a word starting with `-`.
const OPERATORS = [
  '&>>',
  '<<<',
  '<<-',
  '&&',
  '||',
  '<<',
  '>>',
  '>&',
  '<&',
  '&>',
  '>',
  '<',
  '|',
  '&',
  ';',
];
/** Redirections: their target is not an argument of the command. */
export const REDIRECTIONS = new Set(['>', '>>', '<', '>&', '<&', '&>', '&>>']);
const OPERATOR_START = new Set(['<', '>', '|', '&', ';']);
const SHELL_SYNTAX = /['"\\<>|&;#]/;
const SPECIAL = new Set([' ', '\t', "'", '"', '\\', '<', '>', '|', '&', ';']);

/**
 * Splits one command line the way a POSIX shell splits words, with none of its expansions: quotes
 * group and are removed, a backslash escapes the next character, operators split words even
 * without spaces (`cat>a.ts<<EOF`), and an unquoted `#` starting a word begins a comment.
 * Returns an error message for an unclosed quote. Nothing here is ever run by a shell.
 */
export function splitShellWords(line: string): ShellToken[] | string {
  // Most lines (`bun add zustand@5`, `rm -f src/a.ts`) have nothing but words and blanks.
  if (!SHELL_SYNTAX.test(line)) {
    return splitOnBlanks(line);
  }
  const tokens: ShellToken[] = [];
  let word = '';
  let inWord = false;
  let quotedWord = false;
  let i = 0;
  const endWord = () => {
    if (inWord) {
      tokens.push({ text: word, operator: false });
    }
    word = '';
    inWord = false;
    quotedWord = false;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) {
        return 'a single quote is not closed';
      }
      word += line.slice(i + 1, close);
      inWord = quotedWord = true;
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) {
          j++;
        }
        word += line[j];
        j++;
      }
      if (j >= line.length) {
        return 'a double quote is not closed';
      }
      inWord = quotedWord = true;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 < line.length) {
        word += line[i + 1];
      }
      inWord = quotedWord = true;
      i += 2;
    } else if (c === '#' && !inWord) {
      break;
    } else if (OPERATOR_START.has(c)) {
      const operator = OPERATORS.find((op) => line.startsWith(op, i))!;
      // `2>&1`, `2>/dev/null`: a file descriptor number belongs to its redirection.
      if (inWord && /^\d+$/.test(word) && REDIRECTIONS.has(operator) && !quotedWord) {
        word = '';
        inWord = false;
      }
      endWord();
      tokens.push({ text: operator, operator: true });
      i += operator.length;
    } else {
      // A run of plain characters is taken in one slice, not character by character.
      let j = i + 1;
      while (j < line.length && !SPECIAL.has(line[j]!)) {
        j++;
      }
      word += line.slice(i, j);
      inWord = true;
      i = j;
    }
  }
  endWord();
  return tokens;
}

/** The words of a line without shell syntax: runs of characters other than spaces and tabs. */
function splitOnBlanks(line: string): ShellToken[] {
  const tokens: ShellToken[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i === line.length ? 32 : line.charCodeAt(i);
    if (c !== 32 && c !== 9) {
      if (start === -1) {
        start = i;
      }
    } else if (start !== -1) {
      tokens.push({ text: line.slice(start, i), operator: false });
      start = -1;
    }
  }
  return tokens;
}
