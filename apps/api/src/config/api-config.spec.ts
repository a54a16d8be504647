import { ConfigError } from '@forge/config';
import { loadApiConfig } from './api-config';

const REQUIRED = {
  DATABASE_URL: 'postgres://forge@db:5432/forge',
  AUTH_SECRET: 'x'.repeat(32),
  APPS_DATABASE_KEY: 'k'.repeat(32),
};

/** The one problem loadApiConfig reports for these variables. */
function problem(variables: Record<string, string>): string {
  try {
    loadApiConfig({ ...REQUIRED, ...variables });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(1);
    return problems[0]!;
  }
  throw new Error(`${JSON.stringify(variables)} was accepted`);
}

describe(loadApiConfig.name, () => {
  it('accepts the defaults and the values the deployments set', () => {
    expect(loadApiConfig(REQUIRED)).toMatchObject({
      API_HOST: '127.0.0.1',
      PREVIEW_HOST: '127.0.0.1',
      PREVIEW_URL_TEMPLATE: 'http://{projectId}.preview.localhost:3004',
    });
    expect(
      loadApiConfig({
        ...REQUIRED,
        API_HOST: '0.0.0.0',
        PREVIEW_HOST: '::',
        PREVIEW_URL_TEMPLATE: 'https://{projectId}.preview.forge.example.com',
        REDIS_URL: 'redis://redis:6379',
        AUTH_TRUSTED_ORIGINS: 'https://a.example.com, http://localhost:4200',
        RUNNER_URLS: 'http://forge-agent-runner-0.forge-agent-runner:3002',
      }),
    ).toMatchObject({ API_HOST: '0.0.0.0', PREVIEW_HOST: '::' });
    expect(loadApiConfig({ ...REQUIRED, API_HOST: 'api.internal' }).API_HOST).toBe('api.internal');
    expect(loadApiConfig({ ...REQUIRED, PREVIEW_HOST: '[::1]' }).PREVIEW_HOST).toBe('::1');
  });

  it('names PREVIEW_URL_TEMPLATE and what is wrong with it instead of a bare "Invalid URL"', () => {
    for (const [template, reason] of [
      ['{projectId}.preview.localhost:3004', 'must use http or https'],
      ['http://{projectId}.preview.localhost:notaport', 'must be an absolute URL'],
      ['ftp://{projectId}.preview.localhost', 'must use http or https'],
      ['http://preview.localhost:3004/{projectId}', 'must start its host with "{projectId}."'],
    ] as const) {
      const message = problem({ PREVIEW_URL_TEMPLATE: template });
      expect(message).toContain(`PREVIEW_URL_TEMPLATE=${JSON.stringify(template)}`);
      expect(message).toContain(reason);
      expect(message).toContain('http://{projectId}.preview.localhost:3004');
    }
  });

  it('names every host and URL variable with a bad value', () => {
    expect(problem({ API_HOST: 'http://0.0.0.0' })).toMatch(
      /^API_HOST="http:\/\/0\.0\.0\.0": must be an IP address or a host name/,
    );
    expect(problem({ PREVIEW_HOST: '0.0.0.0.0' })).toMatch(/^PREVIEW_HOST=.*IP address/);
    expect(problem({ PREVIEW_HOST: 'every interface' })).toMatch(/^PREVIEW_HOST=/);
    expect(problem({ PUBLIC_URL: 'localhost:3000' })).toMatch(
      /^PUBLIC_URL=.*must use http or https/,
    );
    expect(problem({ DATABASE_URL: 'mysql://db/forge' })).toMatch(
      /^DATABASE_URL=\(hidden\): must use postgres or postgresql/,
    );
    expect(problem({ REDIS_URL: 'http://redis:6379' })).toMatch(
      /^REDIS_URL=\(hidden\): must use redis or rediss/,
    );
    expect(problem({ REDIS_URL: 'not a url' })).toMatch(
      /^REDIS_URL=\(hidden\): must be an absolute URL/,
    );
    expect(problem({ RUNNER_URLS: 'agent-runner:3002' })).toMatch(/^RUNNER_URLS=.*http or https/);
    expect(problem({ AUTH_TRUSTED_ORIGINS: 'https://ok.example.com,nope' })).toMatch(
      /^AUTH_TRUSTED_ORIGINS=.*"nope" is not an origin/,
    );
  });

  it('lists every bad variable at once', () => {
    expect(() =>
      loadApiConfig({ ...REQUIRED, API_HOST: 'a b', PREVIEW_URL_TEMPLATE: 'x' }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^API_HOST=/),
          expect.stringMatching(/^PREVIEW_URL_TEMPLATE=/),
        ],
      }),
    );
  });
});
