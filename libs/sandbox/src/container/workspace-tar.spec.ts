import { extract, type Header } from 'tar-stream';
import { workspaceTar } from './workspace-tar';
import { WORKSPACE_LIMITS } from '../core/workspace-limits';

async function entries(tar: Buffer): Promise<{ header: Header; body: string; bytes: Buffer }[]> {
  const found: { header: Header; body: string; bytes: Buffer }[] = [];
  const reader = extract();
  reader.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      const bytes = Buffer.concat(chunks);
      found.push({ header, body: bytes.toString('utf8'), bytes });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    reader.on('finish', () => resolve());
    reader.on('error', reject);
  });
  reader.end(tar);
  await done;
  return found;
}

describe(workspaceTar.name, () => {
  it('puts each folder before its files, owned by the sandbox user', async () => {
    const tar = await workspaceTar([
      { path: 'src/components/Button.tsx', content: 'export {};\n' },
      { path: 'src/App.tsx', content: 'ünïcode\n' },
      { path: 'index.html', content: '' },
    ]);
    const found = await entries(tar);
    expect(found.map((entry) => [entry.header.type, entry.header.name])).toEqual([
      ['directory', 'src/'],
      ['directory', 'src/components/'],
      ['file', 'src/components/Button.tsx'],
      ['file', 'src/App.tsx'],
      ['file', 'index.html'],
    ]);
    expect(found.every((entry) => entry.header.uid === 1000 && entry.header.gid === 1000)).toBe(
      true,
    );
    expect(found[3]!.body).toBe('ünïcode\n');
  });

  it('writes a binary file (base64) as its bytes, which the docker and kubernetes sandboxes unpack', async () => {
    const image = Buffer.from(Array.from({ length: 1_000 }, (_, i) => (i * 151 + 3) % 256));
    const tar = await workspaceTar([
      { path: 'public/logo.png', content: image.toString('base64'), encoding: 'base64' },
    ]);
    const file = (await entries(tar)).find((entry) => entry.header.name === 'public/logo.png');
    expect(file?.bytes).toEqual(image);
    expect(file?.header.size).toBe(image.length);
  });

  it('refuses bad paths, clashes and files over the limits', async () => {
    await expect(workspaceTar([{ path: 'a/../../b', content: '' }])).rejects.toMatchObject({
      code: 'INVALID_PATH',
    });
    await expect(
      workspaceTar([
        { path: 'lib', content: '' },
        { path: 'lib/x.ts', content: '' },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_PATH' });
    const big = 'x'.repeat(WORKSPACE_LIMITS.maxFileBytes + 1);
    await expect(workspaceTar([{ path: 'big.txt', content: big }])).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
    });
    const many = Array.from({ length: WORKSPACE_LIMITS.maxFilesPerCall + 1 }, (_, index) => ({
      path: `f${index}.txt`,
      content: '',
    }));
    await expect(workspaceTar(many)).rejects.toMatchObject({ code: 'TOO_MANY_FILES' });
  });
});
