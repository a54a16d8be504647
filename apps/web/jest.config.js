/**
 * The Angular app's unit tests: jest-preset-angular compiles components (templates included)
 * to CommonJS with tsconfig.spec.json and runs them in jsdom without zone.js.
 */
const { createCjsPreset } = require('jest-preset-angular/presets');

/** @type {import('jest').Config} */
module.exports = {
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  // The protocol's sources, as tsconfig.json maps them for the build.
  moduleNameMapper: { '^@forge/protocol/(.*)$': '<rootDir>/../../libs/protocol/src/$1' },
  cacheDirectory: '<rootDir>/.angular/jest-cache',
};
