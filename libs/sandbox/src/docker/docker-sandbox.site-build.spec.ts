import { DockerSandboxProvider } from './docker-sandbox.provider';
import { useDockerSandbox } from './testing/docker-test-environment';

const LIMITS = {
  maxBytes: 5_000_000,
  maxFiles: 100,
  maxServerBytes: 5_000_000,
  timeoutMs: 180_000,
};

describe(`${DockerSandboxProvider.name} (site builds for publishing)`, () => {
  const { sandbox } = useDockerSandbox('site-build');

  it('builds a version apart from the workspace and answers its files', async () => {
    const app =
      'export default function App() {\n  return <h1 className="text-4xl">Built in a container</h1>;\n}\n';
    const built = await sandbox().buildSite([{ path: 'src/App.tsx', content: app }], LIMITS);
    if (!built.ok) {
      throw new Error(built.output);
    }
    const paths = built.files.map((file) => file.path);
    expect(paths).toContain('index.html');
    const script = built.files.find((file) => /^assets\/.+\.js$/.test(file.path));
    expect(script?.content.toString()).toContain('Built in a container');
    const style = built.files.find((file) => /^assets\/.+\.css$/.test(file.path));
    expect(style?.content.toString()).toContain('text-4xl');
    // The workspace's own files are untouched, and the build's folder is gone.
    expect(await sandbox().readFile('src/App.tsx')).not.toContain('Built in a container');
    const left = await sandbox().backend.exec({
      argv: ['sh', '-c', 'ls -A /workspace/node_modules/.forge-publish 2>/dev/null | wc -l'],
    });
    expect(left.stdout.toString().trim()).toBe('0');
  }, 300_000);

  it('builds a version’s binary files as bytes, not as their base64 text', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x80]);
    const built = await sandbox().buildSite(
      [{ path: 'public/pixel.png', content: bytes.toString('base64'), encoding: 'base64' }],
      LIMITS,
    );
    if (!built.ok) {
      throw new Error(built.output);
    }
    expect(built.files.find((file) => file.path === 'pixel.png')?.content).toEqual(bytes);
  }, 300_000);

  it('answers a failed build with its output, and refuses a build past the limits', async () => {
    const broken = await sandbox().buildSite(
      [{ path: 'src/App.tsx', content: 'export default function App( {\n' }],
      LIMITS,
    );
    expect(broken.ok).toBe(false);
    if (!broken.ok) {
      expect(broken.output).toContain('App.tsx');
    }
    await expect(sandbox().buildSite([], { ...LIMITS, maxBytes: 100 })).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringContaining('PUBLISH_MAX_BYTES'),
    });
  }, 300_000);
});
