import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FALLBACK_SCAFFOLD, VITE_CONFIG_NAMES } from './app-scaffold';

export const TEMPLATE_DIR = resolve(__dirname, '../../../sandbox/template');
/** A type-check or build that takes longer than this is stuck. */
export const TOOL_TIMEOUT_MS = 90_000;

/**
 * Makes an app folder: the template without node_modules, stand-ins for what it lacks, links to
 * each of its packages (node_modules itself is a real folder, so tools that write caches there
 * write into the temporary folder, not the template), then the app's files.
 */
export function prepareApp(
  dir: string,
  files: ReadonlyMap<string, string>,
  /** The template's installed packages (a prepareTemplate() copy's node_modules). */
  templateModules: string,
): string[] {
  cpSync(TEMPLATE_DIR, dir, {
    recursive: true,
    filter: (source) => !source.startsWith(join(TEMPLATE_DIR, 'node_modules')),
  });
  const filledIn: string[] = [];
  for (const [path, content] of Object.entries(FALLBACK_SCAFFOLD)) {
    const isViteConfig = path === 'vite.config.ts';
    const present = isViteConfig
      ? VITE_CONFIG_NAMES.some((name) => existsSync(join(dir, name)))
      : existsSync(join(dir, path));
    if (present) {
      continue;
    }
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
    filledIn.push(path);
  }
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  for (const entry of readdirSync(templateModules)) {
    symlinkSync(join(templateModules, entry), join(dir, 'node_modules', entry));
  }
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return filledIn;
}

function runNode(dir: string, script: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(dir, script), ...args], {
      cwd: dir,
      timeout: TOOL_TIMEOUT_MS,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolvePromise();
      } else {
        reject(new Error(`${script} ${args.join(' ')} failed (${code ?? signal}):\n${output}`));
      }
    });
  });
}

/** The template's type-check: `tsc -b` for a solution-style tsconfig, else `tsc --noEmit`. */
export function typeCheck(dir: string): Promise<void> {
  const config = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as {
    references?: unknown[];
  };
  const tsc = 'node_modules/typescript/bin/tsc';
  return config.references ? runNode(dir, tsc, ['-b']) : runNode(dir, tsc, ['--noEmit', '-p', '.']);
}

export function viteBuild(dir: string): Promise<void> {
  return runNode(dir, 'node_modules/vite/bin/vite.js', ['build', '--logLevel', 'warn']);
}
