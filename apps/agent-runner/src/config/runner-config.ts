import { type ConfigOf, loadConfig, vars } from '@forge/config';

/** Every environment variable the agent-runner reads, with its default and what it is for. */
export const RUNNER_CONFIG_SPEC = {
  NODE_ENV: vars.oneOf(
    'development, production or test',
    ['development', 'production', 'test'] as const,
    {
      default: 'development',
    },
  ),
  RUNNER_HOST: vars.string('Interface the runner listens on (internal only)', {
    default: '127.0.0.1',
  }),
  RUNNER_PORT: vars.int('Port of the runner (health, and the API link)', {
    default: 3002,
    min: 0,
    max: 65535,
  }),
  DATABASE_URL: vars.url('PostgreSQL connection URL', {
    secret: true,
    protocols: ['postgres', 'postgresql'],
  }),
  DATABASE_POOL_SIZE: vars.int('Connections in the runner database pool', {
    default: 10,
    min: 1,
    max: 200,
  }),
};

export type RunnerConfig = ConfigOf<typeof RUNNER_CONFIG_SPEC>;

export const RUNNER_CONFIG = Symbol('RUNNER_CONFIG');

export function loadRunnerConfig(
  source: Record<string, string | undefined> = process.env,
): RunnerConfig {
  return loadConfig(RUNNER_CONFIG_SPEC, source);
}
