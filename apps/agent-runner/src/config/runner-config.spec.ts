import { ConfigError } from '@forge/config';
import { loadRunnerConfig } from './runner-config';

const REQUIRED = {
  DATABASE_URL: 'postgres://forge@db:5432/forge',
  APPS_DATABASE_KEY: 'k'.repeat(32),
};

function problems(variables: Record<string, string>): string[] {
  try {
    loadRunnerConfig({ ...REQUIRED, ...variables });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`${JSON.stringify(variables)} was accepted`);
}

describe(loadRunnerConfig.name, () => {
  it('accepts the listen addresses the deployments set', () => {
    expect(loadRunnerConfig(REQUIRED).RUNNER_HOST).toBe('127.0.0.1');
    for (const host of [
      '0.0.0.0',
      '::',
      'agent-runner',
      'forge-agent-runner-0.forge-agent-runner',
    ]) {
      expect(loadRunnerConfig({ ...REQUIRED, RUNNER_HOST: host }).RUNNER_HOST).toBe(host);
    }
  });

  it('names RUNNER_HOST, DATABASE_URL and LLM_BASE_URL when their values are bad', () => {
    expect(problems({ RUNNER_HOST: '0.0.0.0:3002' })).toEqual([
      expect.stringMatching(/^RUNNER_HOST="0\.0\.0\.0:3002": must be an IP address or a host name/),
    ]);
    expect(problems({ DATABASE_URL: 'db:5432' })).toEqual([
      'DATABASE_URL=(hidden): must use postgres or postgresql',
    ]);
    expect(problems({ LLM_BASE_URL: 'localhost:11434/v1' })).toEqual([
      'LLM_BASE_URL="localhost:11434/v1": must use http or https',
    ]);
    expect(problems({ LLM_BASE_URL: 'ollama' })).toEqual([
      'LLM_BASE_URL="ollama": must be an absolute URL',
    ]);
  });
});
