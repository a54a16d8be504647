export * from './preview-token';
export * from './preview-server';
export {
  REPORTER_LIMITS,
  REPORTER_SCRIPT_PATH,
  REPORTER_TAG,
  RUNTIME_ERRORS_PATH,
} from './preview-reporter';
export type { RateLimit, RuntimeErrorsHook } from './preview-runtime-errors';
export * from './published/published-site';
export * from './published/published-server';
