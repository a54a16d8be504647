// `npm test`: everything CI checks, in order, on a fresh machine: set-up of what the tests need,
// formatting, lint, type-check (build), the web app's build and unit tests, then jest for the
// back end and the libs.
// Extra arguments go to jest (`npm test -- libs/scof`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const jestArgs = process.argv.slice(2);

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

// npm install, not npm ci: the registry mirror here lacks other platforms' optional packages
// (e.g. @swc/core-darwin-arm64), which npm ci insists on finding in the lockfile.
if (!existsSync('node_modules/.package-lock.json'))
  run('install', 'npm', ['install', '--no-audit', '--no-fund']);
run('test environment', 'bash', ['scripts/setup-test-env.sh']);
run('format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']);
run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
run('type-check and build', 'npx', ['tsc', '-b', 'tsconfig.build.json']);
run('type-check tests', 'npx', ['tsc', '-p', 'tsconfig.spec.json']);
run('type-check web tests', 'npm', ['run', 'typecheck', '-w', '@forge/web']);
run('build web (fails over the bundle budget)', 'npm', ['run', 'build', '-w', '@forge/web'], {
  NG_CLI_ANALYTICS: 'false',
});
run('web unit tests', 'npm', ['test', '-w', '@forge/web']);
run('jest', 'npx', ['jest', ...jestArgs], {
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
});
