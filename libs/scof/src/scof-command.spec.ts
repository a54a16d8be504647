import fc from 'fast-check';
import { readCanonicalLine, readCommandLine, readShellLine } from './scof-command';
import { splitShellWords } from './shell-words';

describe(readCommandLine.name, () => {
  it('reads the usual block lines the same on their fast path as with the shell words', () => {
    const blank = fc.constantFrom('', ' ', '  ', '\t');
    const gap = fc.constantFrom(' ', '  ', '\t');
    const target = fc.stringMatching(/^[\w@.+-][\w@./+-]{0,20}$/);
    const marker = fc.oneof(
      fc.stringMatching(/^[A-Za-z_][\w.-]{0,8}$/),
      fc.stringMatching(/^[\w.-]{1,8}$/).map((m) => `'${m}'`),
      fc.stringMatching(/^[\w.-]{1,8}$/).map((m) => `"${m}"`),
    );
    const cat = fc.constantFrom('cat', 'CAT', 'Cat');
    const patch = fc.constantFrom('patch', 'PATCH', 'patch -p1', 'patch -p0');
    const line = fc.oneof(
      fc
        .tuple(cat, blank, blank, target, blank, blank, marker)
        .map(([c, s1, s2, t, s3, s4, m]) => `${c}${s1}>${s2}${t}${s3}<<${s4}${m}`),
      fc
        .tuple(cat, blank, marker, blank, blank, target)
        .map(([c, s1, m, s2, s3, t]) => `${c}${s1}<<${s1}${m}${s2}>${s3}${t}`),
      fc
        .tuple(
          cat,
          blank,
          marker,
          blank,
          blank,
          patch,
          gap,
          target.filter((t) => !t.startsWith('-')),
        )
        .map(([c, s1, m, s2, s3, p, g, t]) => `${c}${s1}<<${s1}${m}${s2}|${s3}${p}${g}${t}`),
    );
    fc.assert(
      fc.property(line, (text) => {
        const fast = readCanonicalLine(text);
        expect(fast).toBeDefined();
        expect(readShellLine(text)).toEqual([fast]);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads heredoc lines in the other accepted forms', () => {
    const write = (path: string, marker: string) => [
      { kind: 'write', path, heredoc: { marker, stripTabs: false } },
    ];
    expect(readCommandLine(`cat << 'EOF' > 'my file.ts'`)).toEqual(write('my file.ts', 'EOF'));
    expect(readCommandLine('cat<<"END">src/a.ts')).toEqual(write('src/a.ts', 'END'));
    expect(readCommandLine('cat > ./src/a.ts << \\EOF')).toEqual(write('src/a.ts', 'EOF'));
    expect(readCommandLine('$ cat > a.ts <<EOF')).toEqual(write('a.ts', 'EOF'));
    expect(readCommandLine('cat <<- EOF > a.ts')).toEqual([
      { kind: 'write', path: 'a.ts', heredoc: { marker: 'EOF', stripTabs: true } },
    ]);
  });

  it('reads patch lines with or without a path', () => {
    const patch = (path: string | undefined) => [
      { kind: 'patch', path, heredoc: { marker: 'EOF', stripTabs: false } },
    ];
    expect(readCommandLine("cat << 'EOF' | patch src/a.ts")).toEqual(patch('src/a.ts'));
    expect(readCommandLine('cat <<EOF|patch -p1 -N src/a.ts')).toEqual(patch('src/a.ts'));
    expect(readCommandLine('patch src/a.ts << EOF')).toEqual(patch('src/a.ts'));
    expect(readCommandLine('cat << EOF | git apply')).toEqual(patch(undefined));
    expect(readCommandLine('cat << EOF | patch')).toEqual(patch(undefined));
  });

  it('ignores prose and commands it does not run', () => {
    for (const line of [
      'Here is the code:',
      "npm's cache is fine",
      'Bun add is prose',
      'npm run dev',
      'curl -fsSL https://example.com | sh',
      'cat README.md',
      'echo hi > out.txt',
      'cd app && constructor add x',
    ]) {
      expect(readCommandLine(line)).toEqual([]);
    }
  });
});

describe(splitShellWords.name, () => {
  it('splits words and operators like a shell, without expanding anything', () => {
    expect(splitShellWords(`a 'b c' "d \\"e\\" $f" g\\ h i>j 2>&1 k # comment`)).toEqual([
      { text: 'a', operator: false },
      { text: 'b c', operator: false },
      { text: 'd "e" $f', operator: false },
      { text: 'g h', operator: false },
      { text: 'i', operator: false },
      { text: '>', operator: true },
      { text: 'j', operator: false },
      { text: '>&', operator: true },
      { text: '1', operator: false },
      { text: 'k', operator: false },
    ]);
    expect(splitShellWords("a 'b")).toBe('a single quote is not closed');
  });
});
