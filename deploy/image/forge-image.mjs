// Builds the file tree of a Forge image (/app): used inside the Dockerfiles' build stage and, for
// builds with no registry, on the host by deploy/build-images.sh --prebuilt.
//
//   manifests <root> <dest>               package.json files and the lockfile (the npm ci layer's cache key)
//   build <source|prebuilt> <app>         into ./app: source: tsc (or ng build), then stage;
//                                         prebuilt: check that ./app was staged for <app>
//   stage <root> <app> <out>              the app's tree, from a built and installed checkout
//   prebuilt-context <root> <app> <ctx>   a build context with the staged tree in <ctx>/app
//
// <app> is a workspace folder: apps/api, apps/agent-runner or apps/web. The image is ./app.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  StageError,
  copyPackages,
  copyTree,
  productionPackages,
  readJson,
  workspaceClosure,
} from './prod-deps.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const WEB_APP = 'apps/web';
/** Marks a prebuilt context; holds the app it was staged for. */
const PREBUILT_MARKER = '.forge-prebuilt.json';
/**
 * What of a workspace stays out of the image: sources, compiler files, tests, installed packages
 * (the needed ones are copied from the install tree). The rest (dist/, and files read at run
 * time such as the runner's prompts/ or the sandbox's template/) goes in.
 */
function buildOnly(rel) {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (!rel.includes('/') && (name === 'src' || /^tsconfig.*\.json$/.test(name))) return true;
  if (name === 'node_modules' || name === '.vite' || name === 'coverage') return true;
  // A build of something inside the workspace (the template's), not the workspace's own dist/.
  if (name === 'dist' && rel.includes('/')) return true;
  return /(\.d\.ts|\.d\.ts\.map|\.tsbuildinfo|\.spec\.[cm]?[jt]s)$/.test(name);
}
/** Helpers the images carry in /app/deploy: the health check, and the wait for the schema. */
const NODE_HELPERS = ['healthcheck.mjs', 'wait-for-migrations.cjs'];
const WEB_HELPERS = ['healthcheck.mjs'];

function manifests(root, dest) {
  mkdirSync(dest, { recursive: true });
  if (existsSync(join(root, PREBUILT_MARKER))) return;
  const rootPackage = readJson(join(root, 'package.json'));
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(dest, file));
  }
  for (const workspace of rootPackage.workspaces ?? []) {
    mkdirSync(join(dest, workspace), { recursive: true });
    cpSync(join(root, workspace, 'package.json'), join(dest, workspace, 'package.json'));
  }
}

function copyHelpers(out, helpers) {
  mkdirSync(join(out, 'deploy'), { recursive: true });
  for (const helper of helpers) cpSync(join(HERE, helper), join(out, 'deploy', helper));
}

const TEMPLATE_DIR = 'libs/sandbox/template';

function stageNode(root, app, out, link) {
  const workspaces = workspaceClosure(root, app);
  for (const workspace of workspaces) {
    const dist = join(root, workspace, 'dist');
    if (!existsSync(dist))
      throw new StageError('NOT_BUILT', `${dist} is missing; run npx tsc -b ${app} first`);
    copyTree(join(root, workspace), join(out, workspace), { skip: buildOnly, link });
  }
  copyPackages(root, productionPackages(root, workspaces), out, { link });
  // Project downloads zip the starter template under the generated files; the API reads it
  // through @forge/sandbox/template, so libs/sandbox (template included) is normally in the image
  // already. Copied here should an API image be staged without it.
  if (app === 'apps/api' && !workspaces.includes('libs/sandbox')) {
    copyTree(join(root, TEMPLATE_DIR), join(out, TEMPLATE_DIR), {
      skip: (rel) => /(^|\/)(node_modules|dist|\.vite)$/.test(rel),
      link,
    });
  }
  // The workspace links npm makes, for the workspaces in the image only.
  for (const workspace of workspaces) {
    const name = readJson(join(root, workspace, 'package.json')).name;
    const target = join(out, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(relative(dirname(target), join(out, workspace)), target);
  }
  const { name, version } = readJson(join(root, 'package.json'));
  const manifest = { name, version, private: true, workspaces };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyHelpers(out, NODE_HELPERS);
}

function stageWeb(root, out) {
  const browser = join(root, WEB_APP, 'dist', 'browser');
  if (!existsSync(join(browser, 'index.html')))
    throw new StageError('NOT_BUILT', `${browser} is missing; run npm run build -w @forge/web`);
  cpSync(browser, join(out, 'web', 'browser'), { recursive: true });
  cpSync(join(root, 'scripts', 'lib', 'web-server.mjs'), join(out, 'web', 'web-server.mjs'));
  cpSync(join(HERE, 'web-main.mjs'), join(out, 'web', 'main.mjs'));
  writeFileSync(join(out, 'web', 'package.json'), '{ "type": "module" }\n');
  copyHelpers(out, WEB_HELPERS);
}

function stage(root, app, out, { link = false } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  if (app === WEB_APP) stageWeb(root, out);
  else stageNode(root, app, out, link);
}

function run(command, args, env = {}) {
  execFileSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
}

/** In the Dockerfile's build stage, with the context in the working directory. */
function build(mode, app) {
  const root = process.cwd();
  if (mode === 'prebuilt') {
    const marker = join(root, PREBUILT_MARKER);
    if (!existsSync(marker)) {
      throw new StageError(
        'NOT_PREBUILT',
        `APP_BUILD=prebuilt but the context has no ${PREBUILT_MARKER}`,
      );
    }
    const staged = readJson(marker).app;
    if (staged !== app)
      throw new StageError('WRONG_CONTEXT', `the context was staged for ${staged}, not ${app}`);
    return;
  }
  if (mode !== 'source')
    throw new StageError('BAD_MODE', `APP_BUILD must be source or prebuilt, not ${mode}`);
  if (app === WEB_APP)
    run('npm', ['run', 'build', '-w', '@forge/web'], { NG_CLI_ANALYTICS: 'false' });
  else run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', app]);
  stage(root, app, join(root, 'app'));
}

/** On the host: the context holds the staged tree, hard-linked to this checkout's files. */
function prebuiltContext(root, app, context) {
  rmSync(context, { recursive: true, force: true });
  stage(root, app, join(context, 'app'), { link: true });
  mkdirSync(join(context, 'deploy', 'image'), { recursive: true });
  for (const file of readdirSync(HERE))
    cpSync(join(HERE, file), join(context, 'deploy', 'image', file));
  writeFileSync(join(context, PREBUILT_MARKER), `${JSON.stringify({ app })}\n`);
}

const COMMANDS = {
  manifests: (root, dest) => manifests(resolve(root), resolve(dest)),
  build: (mode, app) => build(mode, app),
  stage: (root, app, out) => stage(resolve(root), app, resolve(out)),
  'prebuilt-context': (root, app, context) => prebuiltContext(resolve(root), app, resolve(context)),
};

const [command, ...args] = process.argv.slice(2);
try {
  if (!COMMANDS[command] || args.length !== COMMANDS[command].length) {
    const names = Object.keys(COMMANDS).join('|');
    throw new StageError('USAGE', `usage: forge-image.mjs ${names} ... (see the top of the file)`);
  }
  COMMANDS[command](...args);
} catch (error) {
  console.error(`forge-image: ${error.message}`);
  process.exit(1);
}
