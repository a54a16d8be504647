import { type VersionFile } from '@forge/db';

export interface PushedVersion {
  number: number;
  label: string;
  files: VersionFile[];
  createdAt: Date;
}

const AUTHOR = 'Forge <forge@localhost>';

/** A path as fast-import reads it: C-style quoted, so spaces and quotes need no thought. */
function quote(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function data(bytes: Buffer): Buffer[] {
  return [Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')];
}

/**
 * The `git fast-import` stream of one commit per version on `ref`, each the whole file set of
 * its version (deleteall, then every file), the first on top of `parent` when there is one.
 */
export async function* fastImportStream(
  versions: PushedVersion[],
  ref: string,
  parent: string | null,
): AsyncGenerator<Buffer> {
  let first = true;
  for (const version of versions) {
    const when = `${Math.floor(version.createdAt.getTime() / 1000)} +0000`;
    const message = Buffer.from(`${version.label}\n\nForge version ${version.number}\n`);
    const head = [
      `commit ${ref}`,
      `author ${AUTHOR} ${when}`,
      `committer ${AUTHOR} ${when}`,
      '',
    ].join('\n');
    yield Buffer.concat([Buffer.from(head), ...data(message)]);
    if (first && parent) {
      yield Buffer.from(`from ${parent}\n`);
    }
    first = false;
    yield Buffer.from('deleteall\n');
    for (const file of version.files) {
      const bytes =
        file.encoding === 'base64'
          ? Buffer.from(file.content, 'base64')
          : Buffer.from(file.content, 'utf8');
      yield Buffer.concat([Buffer.from(`M 100644 inline ${quote(file.path)}\n`), ...data(bytes)]);
    }
    yield Buffer.from('\n');
  }
  yield Buffer.from('done\n');
}
