import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSandboxError } from '../../core/sandbox-error';
import { makeTempDir } from '../../testing/test-helpers';
import {
  deleteWorkspaceFiles,
  readWorkspaceFile,
  writeWorkspaceFiles,
  WORKSPACE_TEMP_DIR,
} from './workspace-files';

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isSandboxError(error)) {
    throw new Error(`expected a SandboxError, got ${String(error)}`);
  }
  return error.code;
}

describe(writeWorkspaceFiles.name, () => {
  let base: string;
  let workspace: string;
  let outside: string;

  beforeEach(async () => {
    base = await makeTempDir('workspace-files');
    workspace = join(base, 'workspace');
    outside = join(base, 'outside');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'outside\n');
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('writes files with their exact content, creating folders, and reads them back', async () => {
    const content = 'line one\n\n  indented\nno final newline';
    await writeWorkspaceFiles(workspace, [
      { path: 'src/deep/nested/file.ts', content },
      { path: 'README.md', content: '# hi\n' },
    ]);
    await expect(readFile(join(workspace, 'src/deep/nested/file.ts'), 'utf8')).resolves.toBe(
      content,
    );
    await expect(readWorkspaceFile(workspace, 'README.md')).resolves.toBe('# hi\n');
    // Nothing is left in the temporary folder once the renames are done.
    await expect(readdir(join(workspace, WORKSPACE_TEMP_DIR))).resolves.toEqual([]);
  });

  it('writes a binary file (base64) as its bytes', async () => {
    const image = Buffer.from(Array.from({ length: 1_000 }, (_, i) => (i * 151 + 3) % 256));
    await writeWorkspaceFiles(workspace, [
      { path: 'public/logo.png', content: image.toString('base64'), encoding: 'base64' },
    ]);
    await expect(readFile(join(workspace, 'public/logo.png'))).resolves.toEqual(image);
  });

  it('replaces an existing file', async () => {
    await writeWorkspaceFiles(workspace, [{ path: 'src/a.ts', content: 'one' }]);
    await writeWorkspaceFiles(workspace, [{ path: 'src/a.ts', content: 'two' }]);
    await expect(readWorkspaceFile(workspace, 'src/a.ts')).resolves.toBe('two');
  });

  it('refuses absolute paths, ".." and node_modules, writing nothing of the call', async () => {
    for (const path of [
      '/etc/passwd',
      '../outside/x.ts',
      'src/../../x.ts',
      'node_modules/x.js',
      'a\\b',
    ]) {
      await expect(
        refusal(
          writeWorkspaceFiles(workspace, [
            { path: 'src/ok.ts', content: '' },
            { path, content: 'x' },
          ]),
        ),
      ).resolves.toBe('INVALID_PATH');
    }
    await expect(readWorkspaceFile(workspace, 'src/ok.ts')).resolves.toBeNull();
  });

  it('refuses a path through a symbolic link that leads outside the workspace', async () => {
    await symlink(outside, join(workspace, 'src', 'escape'));
    await expect(
      refusal(writeWorkspaceFiles(workspace, [{ path: 'src/escape/new.ts', content: 'x' }])),
    ).resolves.toBe('PATH_ESCAPES_WORKSPACE');
    await expect(refusal(readWorkspaceFile(workspace, 'src/escape/secret.txt'))).resolves.toBe(
      'PATH_ESCAPES_WORKSPACE',
    );
    await expect(refusal(deleteWorkspaceFiles(workspace, ['src/escape/secret.txt']))).resolves.toBe(
      'PATH_ESCAPES_WORKSPACE',
    );
    await expect(readdir(outside)).resolves.toEqual(['secret.txt']);
  });

  it('refuses a file that is a symbolic link to a file outside, and a dangling link', async () => {
    await symlink(join(outside, 'secret.txt'), join(workspace, 'src', 'link.txt'));
    await symlink(join(outside, 'missing', 'dir'), join(workspace, 'src', 'nowhere'));
    await expect(refusal(readWorkspaceFile(workspace, 'src/link.txt'))).resolves.toBe(
      'PATH_ESCAPES_WORKSPACE',
    );
    await expect(
      refusal(writeWorkspaceFiles(workspace, [{ path: 'src/link.txt', content: 'overwritten' }])),
    ).resolves.toBe('PATH_ESCAPES_WORKSPACE');
    await expect(
      refusal(writeWorkspaceFiles(workspace, [{ path: 'src/nowhere/file.ts', content: 'x' }])),
    ).resolves.toBe('PATH_ESCAPES_WORKSPACE');
    await expect(readFile(join(outside, 'secret.txt'), 'utf8')).resolves.toBe('outside\n');
  });

  it('follows a symbolic link that stays inside the workspace', async () => {
    await writeWorkspaceFiles(workspace, [{ path: 'src/real/a.ts', content: 'inside' }]);
    await symlink(join(workspace, 'src', 'real'), join(workspace, 'src', 'alias'));
    await expect(readWorkspaceFile(workspace, 'src/alias/a.ts')).resolves.toBe('inside');
  });

  it('deletes files and folders, and ignores paths that do not exist', async () => {
    await writeWorkspaceFiles(workspace, [
      { path: 'src/old.ts', content: 'x' },
      { path: 'src/gone/a.ts', content: 'y' },
    ]);
    await deleteWorkspaceFiles(workspace, ['src/old.ts', 'src/gone', 'src/never.ts']);
    await expect(readWorkspaceFile(workspace, 'src/old.ts')).resolves.toBeNull();
    await expect(readWorkspaceFile(workspace, 'src/gone/a.ts')).resolves.toBeNull();
  });

  it('says NOT_A_FILE for a folder read as a file', async () => {
    await expect(refusal(readWorkspaceFile(workspace, 'src'))).resolves.toBe('NOT_A_FILE');
  });
});
