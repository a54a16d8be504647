import { rm } from 'node:fs/promises';
import { ProcessSandboxProvider, type Sandbox } from '@forge/sandbox';
import { makeTempDir } from '../../../../libs/sandbox/src/testing/test-helpers';
import { cleanToolText, runToolChecks, tscProblems } from './app-checks';
import { buildScriptCommands, checkCommands, parseJsonc } from './check-commands';

const STARTER_TSCONFIG = JSON.stringify({
  files: [],
  references: [{ path: './tsconfig.app.json' }, { path: './tsconfig.node.json' }],
});

describe('checkCommands', () => {
  it("takes the app's own tsc and vite invocations from its build script", () => {
    const manifest = JSON.stringify({
      scripts: { build: 'tsc -p tsconfig.build.json --pretty && vite build --outDir build -w' },
    });
    expect(checkCommands(manifest, STARTER_TSCONFIG)).toEqual({
      typeCheck: [
        'tsc',
        '-p',
        'tsconfig.build.json',
        '--noEmit',
        '--pretty',
        'false',
        '--incremental',
        '--tsBuildInfoFile',
        'node_modules/.forge-tsc/tsconfig.build.tsbuildinfo',
      ],
      builds: [
        [
          'vite',
          'build',
          '--outDir',
          'node_modules/.forge-check',
          '--emptyOutDir',
          '--logLevel',
          'error',
        ],
      ],
    });
  });

  it('builds a solution tsconfig with -b, a plain one with -p, and none without a tsconfig', () => {
    const noTsc = JSON.stringify({ scripts: { build: 'vite build' } });
    expect(checkCommands(noTsc, STARTER_TSCONFIG).typeCheck).toEqual([
      'tsc',
      '-b',
      '--noEmit',
      '--pretty',
      'false',
      '--incremental',
    ]);
    expect(
      checkCommands(
        noTsc,
        '{ // comments and trailing commas, as tsc reads them\n "include": ["src",], }',
      ).typeCheck,
    ).toEqual([
      'tsc',
      '-p',
      'tsconfig.json',
      '--noEmit',
      '--pretty',
      'false',
      '--incremental',
      '--tsBuildInfoFile',
      'node_modules/.forge-tsc/tsconfig.tsbuildinfo',
    ]);
    expect(checkCommands(noTsc, null).typeCheck).toBeNull();
    // No manifest or no build script: the default build.
    expect(checkCommands(null, null).builds).toHaveLength(1);
  });

  it('reads env prefixes and leaves out parts with shell syntax', () => {
    const manifest = JSON.stringify({
      scripts: { build: 'NODE_ENV=production cross-env A=1 vite build && echo done > log.txt' },
    });
    expect(buildScriptCommands(manifest)).toEqual([['vite', 'build']]);
    expect(buildScriptCommands('{ not json')).toEqual([]);
  });

  it('parses JSON with comments without touching strings that look like comments', () => {
    expect(parseJsonc('{"a": "http://x/*y*/", /* c */ "b": [1,],}')).toEqual({
      a: 'http://x/*y*/',
      b: [1],
    });
    expect(parseJsonc('[1]')).toBeNull();
  });
});

describe('cleanToolText', () => {
  it('drops colour codes and makes host paths project-relative', () => {
    expect(
      cleanToolText(
        '\u001b[31mError\u001b[39m: failed to resolve "x" from "/srv/forge/.data/workspaces/p-1/src/App.tsx"\n' +
          '    at file:///srv/forge/.data/workspaces/p-1/node_modules/vite/dist/node.js:3:1',
      ),
    ).toBe(
      'Error: failed to resolve "x" from "src/App.tsx"\n    at node_modules/vite/dist/node.js:3:1',
    );
  });
});

describe('tscProblems', () => {
  it('gives each distinct error once, structured', () => {
    const line =
      "src/App.tsx(3,7): error TS2322: Type 'string' is not assignable to type 'number'.";
    expect(tscProblems(`${line}\n${line}\n`)).toEqual([
      {
        source: 'tsc',
        key: "tsc:src/App.tsx:TS2322:Type 'string' is not assignable to type 'number'.",
        text: "src/App.tsx:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
        path: 'src/App.tsx',
        line: 3,
        column: 7,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
    ]);
  });
});

/** The real tools on the starter in a real process sandbox, files changed as a model would. */
describe('runToolChecks (process sandbox)', () => {
  let base: string;
  let provider: ProcessSandboxProvider;
  let sandbox: Sandbox;
  const options = () => ({
    tsc: true,
    build: true,
    timeoutMs: 120_000,
    signal: new AbortController().signal,
  });

  beforeAll(async () => {
    base = await makeTempDir('app-checks');
    provider = new ProcessSandboxProvider({
      root: `${base}/root`,
      templateCacheRoot: `${base}/cache`,
      poolSize: 0,
    });
    sandbox = await provider.get('checks');
  }, 180_000);

  afterAll(async () => {
    await provider.shutdown();
    await rm(base, { recursive: true, force: true });
  });

  const hostPathIn = (value: unknown) => JSON.stringify(value).includes(base);

  it('finds nothing on the starter', async () => {
    expect(await runToolChecks(sandbox, options())).toEqual([]);
  }, 180_000);

  it('reports a type error and an unresolved import as structured items without host paths', async () => {
    await sandbox.writeFiles([
      { path: 'src/count.ts', content: "export const count: number = 'three';\n" },
      {
        path: 'src/store.ts',
        content: "import { Provider } from 'react-redux';\nexport const P = Provider;\n",
      },
      {
        path: 'src/main.tsx',
        content:
          "import { createRoot } from 'react-dom/client';\nimport { count } from './count';\nimport { P } from './store';\n" +
          'createRoot(document.getElementById("root")!).render(<P store={undefined as never}>{count}</P>);\n',
      },
    ]);
    const problems = await runToolChecks(sandbox, options());
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'tsc',
          path: 'src/count.ts',
          line: 1,
          column: 14,
          code: 'TS2322',
        }),
        expect.objectContaining({ source: 'build', path: 'src/store.ts' }),
      ]),
    );
    const build = problems.find((problem) => problem.source === 'build')!;
    expect(build.message).toContain('react-redux');
    expect(hostPathIn(problems)).toBe(false);
    // eslint-disable-next-line no-control-regex
    expect(JSON.stringify(problems)).not.toMatch(/\u001b\[|\\u001b/);
  }, 180_000);

  it('reports the same type errors again when nothing changed (the check is incremental)', async () => {
    const again = await runToolChecks(sandbox, { ...options(), build: false });
    expect(again).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'tsc', path: 'src/count.ts', code: 'TS2322' }),
      ]),
    );
    await sandbox.writeFiles([{ path: 'src/count.ts', content: 'export const count = 3;\n' }]);
    const fixed = await runToolChecks(sandbox, { ...options(), build: false });
    expect(fixed.filter((problem) => problem.path === 'src/count.ts')).toEqual([]);
    expect(fixed.length).toBe(again.length - 1);
  }, 180_000);

  it("type-checks with the app's own tsconfig, not the starter's", async () => {
    // Loose code that the starter's strict tsconfig.app.json refuses and the app's own accepts.
    await sandbox.deleteFiles(['src/count.ts', 'src/store.ts']);
    await sandbox.writeFiles([
      {
        path: 'src/main.tsx',
        content:
          "import { createRoot } from 'react-dom/client';\nfunction twice(x) { return x * 2; }\nconst unused = 1;\n" +
          'createRoot(document.getElementById("root")!).render(<p>{twice(2)}</p>);\n',
      },
    ]);
    const strict = await runToolChecks(sandbox, { ...options(), build: false });
    expect(strict.map((problem) => problem.code)).toEqual(
      expect.arrayContaining(['TS7006', 'TS6133']),
    );
    await sandbox.writeFiles([
      {
        path: 'tsconfig.json',
        content: JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'bundler',
            jsx: 'react-jsx',
            strict: false,
            skipLibCheck: true,
            noEmit: true,
          },
          include: ['src'],
        }),
      },
      { path: 'package.json', content: await withBuildScript(sandbox, 'tsc && vite build') },
    ]);
    expect(await runToolChecks(sandbox, options())).toEqual([]);
  }, 180_000);

  it('reports a syntax error at its position', async () => {
    await sandbox.writeFiles([{ path: 'src/main.tsx', content: 'export const broken = <div>;\n' }]);
    const [problem] = await runToolChecks(sandbox, { ...options(), tsc: false });
    expect(problem).toMatchObject({ source: 'build', path: 'src/main.tsx', line: 1 });
    expect(hostPathIn(problem)).toBe(false);
  }, 180_000);
});

async function withBuildScript(sandbox: Sandbox, build: string): Promise<string> {
  const manifest = JSON.parse((await sandbox.readFile('package.json'))!) as {
    scripts: Record<string, string>;
  };
  manifest.scripts.build = build;
  return JSON.stringify(manifest, null, 2);
}
