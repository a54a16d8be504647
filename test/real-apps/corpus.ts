import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type ReplayApp, type ReplayFile } from '@forge/scripted-llm';

const ROOT = resolve(__dirname, '../..');
/** Downloads, extracted apps, npm's cache and what the originals render (git-ignored, kept). */
export const REAL_APPS_CACHE = join(ROOT, '.data/real-apps-cache');
export const NPM_CACHE_DIR = join(REAL_APPS_CACHE, 'npm-cache');
const OWN_APPS = join(__dirname, 'own-apps');

/** Where one app of the corpus comes from and how a model would write it into the starter. */
export interface CorpusEntry {
  id: string;
  title: string;
  /** The npm package shipping the app (pinned), or null for one of own-apps/. */
  source: { package: string; version: string; dir: string } | { own: string };
  /** Create React App layout, converted to Vite as a model would. */
  layout: 'vite' | 'cra-ts' | 'cra-js';
  /** `bun add` specs beyond the starter's packages. */
  packages: string[];
  /** The follow-up: in `file`, `from` becomes `to` (both visible in the page). */
  followUp: { file: string; from: string; to: string };
  /**
   * Texts besides the follow-up's whose elements must look as in the original (computed colour,
   * font, background, corners): one per stylesheet kind the app uses (global CSS, CSS modules,
   * Tailwind utilities).
   */
  styled: string[];
  covers: string[];
}

export const CORPUS: CorpusEntry[] = [
  {
    id: 'vite-react-ts',
    title: 'Vite + React (TypeScript)',
    source: { package: 'create-vite', version: '7.1.3', dir: 'template-react-ts' },
    layout: 'vite',
    packages: [],
    followUp: { file: 'src/App.tsx', from: 'Vite + React', to: 'Vite + React, replayed by Forge' },
    styled: ['count is 0'],
    covers: ['TypeScript', 'project references'],
  },
  {
    id: 'vite-react-js',
    title: 'Vite + React (JavaScript)',
    source: { package: 'create-vite', version: '7.1.3', dir: 'template-react' },
    layout: 'vite',
    packages: [],
    followUp: { file: 'src/App.jsx', from: 'Vite + React', to: 'Vite + React, replayed by Forge' },
    styled: ['count is 0'],
    covers: ['JavaScript'],
  },
  {
    id: 'cra-redux-ts',
    title: 'Redux counter (CRA template)',
    source: { package: 'cra-template-redux-typescript', version: '2.0.0', dir: 'template' },
    layout: 'cra-ts',
    packages: ['@reduxjs/toolkit', 'react-redux'],
    followUp: {
      file: 'src/App.tsx',
      from: 'and save to reload.',
      to: 'and save to reload, replayed by Forge.',
    },
    styled: ['Add Amount'],
    covers: ['Redux Toolkit', 'react-redux', 'CSS modules'],
  },
  {
    id: 'cra-redux-js',
    title: 'Redux counter in JavaScript (CRA template)',
    source: { package: 'cra-template-redux', version: '2.0.0', dir: 'template' },
    layout: 'cra-js',
    packages: ['@reduxjs/toolkit', 'react-redux'],
    followUp: {
      file: 'src/App.jsx',
      from: 'and save to reload.',
      to: 'and save to reload, replayed by Forge.',
    },
    styled: ['Add Amount'],
    covers: ['Redux Toolkit in JavaScript', 'CSS modules'],
  },
  {
    id: 'cra-router-js',
    title: 'Router pages (CRA template)',
    source: { package: 'cra-template-router', version: '1.0.3', dir: 'template' },
    layout: 'cra-js',
    packages: ['react-router-dom@5.3.4'],
    followUp: { file: 'src/pages/Home.jsx', from: 'Home page', to: 'Home page, replayed by Forge' },
    styled: [],
    covers: ['react-router'],
  },
  {
    id: 'cra-ts',
    title: 'React starter (CRA TypeScript template)',
    source: { package: 'cra-template-typescript', version: '1.3.0', dir: 'template' },
    layout: 'cra-ts',
    packages: [],
    followUp: {
      file: 'src/App.tsx',
      from: 'and save to reload.',
      to: 'and save to reload, replayed by Forge.',
    },
    styled: ['Learn React'],
    covers: ['TypeScript', 'SVG import'],
  },
  {
    id: 'tailwind3-redux-axios',
    title: 'Reading list (ours: Tailwind 3, Redux Toolkit, axios)',
    source: { own: 'tailwind3-redux-axios' },
    layout: 'vite',
    packages: [
      '@reduxjs/toolkit',
      'react-redux',
      'axios',
      'tailwindcss@3',
      'postcss',
      'autoprefixer',
    ],
    followUp: {
      file: 'src/App.tsx',
      from: 'My reading list',
      to: 'My reading list, replayed by Forge',
    },
    styled: ['Mark read'],
    covers: ['Tailwind 3 + PostCSS', 'Redux Toolkit', 'axios'],
  },
  {
    id: 'tailwind4-scss-query',
    title: 'Recipe box (ours: Tailwind 4, SCSS modules, TanStack Query)',
    source: { own: 'tailwind4-scss-query' },
    layout: 'vite',
    packages: ['@tanstack/react-query', 'sass'],
    followUp: { file: 'src/App.tsx', from: 'Recipe box', to: 'Recipe box, replayed by Forge' },
    styled: ['30 min', '#vegan'],
    covers: ['Tailwind 4 (@tailwindcss/vite)', 'SCSS + CSS modules', 'TanStack Query'],
  },
];

/**
 * The apps to run: all of them, or those named in REAL_APPS_ONLY (ids separated by commas).
 * An id the corpus does not have is an error, not an empty run.
 */
export function selectedCorpus(only: string | undefined): CorpusEntry[] {
  if (!only) {
    return CORPUS;
  }
  const ids = only.split(',').map((id) => id.trim());
  const unknown = ids.filter((id) => !CORPUS.some((entry) => entry.id === id));
  if (unknown.length) {
    throw new Error(
      `REAL_APPS_ONLY names no app of the corpus: ${unknown.join(', ')} (apps: ${CORPUS.map((entry) => entry.id).join(', ')})`,
    );
  }
  return CORPUS.filter((entry) => ids.includes(entry.id));
}

/** Images, sent as binary blocks (`base64 -d > path << 'EOF'`), as a model writes them. */
const BINARY = /\.(png|ico|jpe?g|gif|webp)$/;

/** The file as the replay model writes it: an image as its base64, anything else as text. */
function replayFile(path: string, source: string): ReplayFile {
  return BINARY.test(path)
    ? { path, content: readFileSync(source).toString('base64'), encoding: 'base64' }
    : { path, content: readFileSync(source, 'utf8') };
}

/** Files never sent: lockfiles, CRA's test set-up. */
const SKIPPED = [
  /(^|\/)(package-lock\.json|bun\.lock|yarn\.lock)$/,
  /(^|\/)README\.md$/,
  /\.test\.[jt]sx?$/,
  /\.spec\.[jt]sx?$/,
  /(^|\/)setupTests\.[jt]s$/,
  /(^|\/)serviceWorker\.js$/,
  /(^|\/)reportWebVitals\.[jt]s$/,
  /(^|\/)manifest\.json$/,
];

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') {
      return [];
    }
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}

/** The package, extracted from its `npm pack` tarball into the cache on first use. */
export function npmPackage(name: string, version: string): string {
  const extracted = join(REAL_APPS_CACHE, 'packages', `${name}-${version}`);
  if (!existsSync(join(extracted, 'package.json'))) {
    const tarballs = join(REAL_APPS_CACHE, 'tarballs');
    mkdirSync(tarballs, { recursive: true });
    const packed = run(
      'npm',
      [
        'pack',
        `${name}@${version}`,
        '--silent',
        '--pack-destination',
        tarballs,
        '--cache',
        NPM_CACHE_DIR,
      ],
      tarballs,
    )
      .trim()
      .split('\n')
      .pop()!;
    const partial = `${extracted}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    run('tar', ['xzf', join(tarballs, packed), '-C', partial, '--strip-components=1'], partial);
    renameSync(partial, extracted);
  }
  return extracted;
}

/** The package's app folder, downloaded with `npm pack` into the cache on first use. */
function downloaded(entry: CorpusEntry): string {
  if ('own' in entry.source) {
    return join(OWN_APPS, entry.source.own);
  }
  const { package: name, version, dir } = entry.source;
  return join(npmPackage(name, version), dir);
}

/** An app of the corpus: the files a model writes into the starter, and its own package.json. */
export interface CorpusApp {
  entry: CorpusEntry;
  files: ReplayFile[];
  /** The starter's files the app replaces by others (its entry point, its App). */
  removes: string[];
  /** The package.json the original builds with (for CRA apps, the starter's with the packages). */
  packageJson: string | null;
}

const CRA_TSCONFIG = {
  compilerOptions: {
    target: 'ES2020',
    lib: ['dom', 'dom.iterable', 'esnext'],
    allowJs: true,
    skipLibCheck: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    strict: true,
    forceConsistentCasingInFileNames: true,
    noFallthroughCasesInSwitch: true,
    module: 'esnext',
    moduleResolution: 'bundler',
    resolveJsonModule: true,
    isolatedModules: true,
    noEmit: true,
    jsx: 'react-jsx',
    types: ['vite/client'],
  },
  include: ['src'],
};

/** public/index.html with %PUBLIC_URL% gone, the icons it links dropped, the module script in. */
function craIndexHtml(html: string, entry: string): string {
  return html
    .split('\n')
    .filter((line) => !/rel="(icon|apple-touch-icon|manifest)"/.test(line))
    .join('\n')
    .replace(/%PUBLIC_URL%/g, '')
    .replace('</body>', `  <script type="module" src="/${entry}"></script>\n  </body>`);
}

/** CRA's entry as Vite and React 19 want it: createRoot, no service worker, no web-vitals. */
function craEntry(source: string): string {
  return source
    .split('\n')
    .filter((line) => !/serviceWorker|reportWebVitals|^\/\/ /.test(line))
    .join('\n')
    .replace("import ReactDOM from 'react-dom';", "import { createRoot } from 'react-dom/client';")
    .replace(
      /ReactDOM\.render\((<App \/>), document\.getElementById\('root'\)\);/,
      "createRoot(document.getElementById('root')).render($1);",
    )
    .replace(/\n{3,}/g, '\n\n');
}

function convertCra(entry: CorpusEntry, dir: string): ReplayFile[] {
  const ts = entry.layout === 'cra-ts';
  const files: ReplayFile[] = [];
  for (const path of listFiles(dir)) {
    if (SKIPPED.some((pattern) => pattern.test(path)) || path === 'gitignore') {
      continue;
    }
    if (path === 'public/index.html') {
      continue;
    }
    if (BINARY.test(path)) {
      files.push(replayFile(path, join(dir, path)));
      continue;
    }
    let content = readFileSync(join(dir, path), 'utf8');
    let target = path;
    if (/^src\/index\.[jt]sx?$/.test(path)) {
      content = craEntry(content);
    }
    if (!ts && /^src\/.*\.js$/.test(path)) {
      target = path.replace(/\.js$/, '.jsx');
    }
    files.push({ path: target, content });
  }
  const entryFile = files.find((file) => /^src\/index\.[jt]sx?$/.test(file.path))!.path;
  files.push({
    path: 'index.html',
    content: craIndexHtml(readFileSync(join(dir, 'public/index.html'), 'utf8'), entryFile),
  });
  files.push({
    path: ts ? 'vite.config.ts' : 'vite.config.js',
    content:
      "import { defineConfig } from 'vite';\nimport react from '@vitejs/plugin-react';\n\n" +
      'export default defineConfig({\n  plugins: [react()],\n});\n',
  });
  if (ts) {
    files.push({ path: 'tsconfig.json', content: `${JSON.stringify(CRA_TSCONFIG, null, 2)}\n` });
  }
  return files;
}

/** The starter's package.json with `packages` added as a model's `bun add` would. */
function starterPackageJson(packages: string[]): string {
  const manifest = JSON.parse(
    readFileSync(join(ROOT, 'libs/sandbox/template/package.json'), 'utf8'),
  ) as { dependencies: Record<string, string> };
  for (const spec of packages) {
    const at = spec.lastIndexOf('@');
    const [name, version] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, 'latest'];
    manifest.dependencies[name] = version;
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function loadCorpusApp(entry: CorpusEntry): CorpusApp {
  const dir = downloaded(entry);
  if (entry.layout !== 'vite') {
    return {
      entry,
      files: convertCra(entry, dir),
      removes: entry.layout === 'cra-ts' ? ['src/main.tsx'] : ['src/main.tsx', 'src/App.tsx'],
      packageJson: starterPackageJson(entry.packages),
    };
  }
  const files: ReplayFile[] = [];
  let packageJson: string | null = null;
  for (const path of listFiles(dir)) {
    if (path === 'package.json') {
      packageJson = readFileSync(join(dir, path), 'utf8');
    } else if (path === '_gitignore') {
      files.push({ ...replayFile(path, join(dir, path)), path: '.gitignore' });
    } else if (!SKIPPED.some((pattern) => pattern.test(path))) {
      files.push(replayFile(path, join(dir, path)));
    }
  }
  const jsx = files.some((file) => file.path === 'src/main.jsx');
  return { entry, files, removes: jsx ? ['src/main.tsx', 'src/App.tsx'] : [], packageJson };
}

/** The app as the replay model answers it. */
export function replayApp(app: CorpusApp): ReplayApp {
  const { entry } = app;
  const followed = app.files.find((file) => file.path === entry.followUp.file);
  if (!followed || !followed.content.includes(entry.followUp.from)) {
    throw new Error(
      `${entry.id}: ${entry.followUp.file} does not contain "${entry.followUp.from}"`,
    );
  }
  return {
    id: entry.id,
    request: `Build the app "${entry.title}" (${entry.id})`,
    title: entry.title,
    files: app.files,
    removes: app.removes,
    packages: entry.packages,
    followUp: {
      request: `In ${entry.id}, change "${entry.followUp.from}" to "${entry.followUp.to}"`,
      file: {
        path: followed.path,
        content: followed.content.replace(entry.followUp.from, entry.followUp.to),
      },
    },
  };
}
