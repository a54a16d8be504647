/**
 * Reads the narrow SCOF subset the demo recordings use (`cat > path << 'EOF'` … `EOF`) so the
 * tests can check them without the real parser in libs/scof. Anything else outside a block
 * counts as prose. Throws on a block left open.
 */
export function scofFiles(answer: string): { files: Map<string, string>; prose: string[] } {
  const files = new Map<string, string>();
  const prose: string[] = [];
  const lines = answer.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^cat > (\S+) << 'EOF'$/.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() !== '') {
        prose.push(lines[i]);
      }
      continue;
    }
    const end = lines.indexOf('EOF', i + 1);
    if (end === -1) {
      throw new Error(`block for ${open[1]} is never closed`);
    }
    files.set(open[1], lines.slice(i + 1, end).join('\n') + '\n');
    i = end;
  }
  return { files, prose };
}
