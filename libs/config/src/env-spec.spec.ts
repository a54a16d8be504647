import { ConfigError, loadConfig, vars } from './env-spec';

describe(loadConfig.name, () => {
  const spec = {
    PORT: vars.int('port', { default: 3001, min: 1, max: 65535 }),
    SECRET: vars.string('secret', { secret: true, minLength: 8 }),
    MODE: vars.oneOf('mode', ['a', 'b'] as const, { default: 'a' }),
    ON: vars.bool('flag', { default: false }),
    URL: vars.optionalUrl('url'),
  };

  it('applies defaults and parses values', () => {
    const config = loadConfig(spec, { SECRET: 'long-enough', ON: 'yes', URL: 'http://x/' });
    expect(config).toEqual({
      PORT: 3001,
      SECRET: 'long-enough',
      MODE: 'a',
      ON: true,
      URL: 'http://x',
    });
  });

  it('lists every problem at once and hides secrets', () => {
    let error: unknown;
    try {
      loadConfig(spec, { PORT: '70000', SECRET: 'short', MODE: 'c', ON: 'maybe', URL: 'nope' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(5);
    expect(message).toContain('PORT="70000": must be ≤ 65535');
    expect(message).toContain('SECRET=(hidden): must be at least 8 characters long');
    expect(message).not.toContain('short');
  });

  it('says which required variable is missing', () => {
    expect(() => loadConfig(spec, {})).toThrow('SECRET is required: secret');
  });

  it('takes IP addresses and host names as listen hosts, and names the variable otherwise', () => {
    const hosts = { HOST: vars.host('where to listen', { default: '127.0.0.1' }) };
    for (const [raw, parsed] of [
      ['0.0.0.0', '0.0.0.0'],
      ['::', '::'],
      ['[::1]', '::1'],
      ['api', 'api'],
      ['forge-api.forge.svc.cluster.local', 'forge-api.forge.svc.cluster.local'],
    ]) {
      expect(loadConfig(hosts, { HOST: raw }).HOST).toBe(parsed);
    }
    for (const raw of ['http://0.0.0.0', '0.0.0.0:3001', '0.0.0.0.0', '999.1.1.1', 'a b', '-x']) {
      expect(() => loadConfig(hosts, { HOST: raw })).toThrow(
        `HOST=${JSON.stringify(raw)}: must be an IP address or a host name to listen on`,
      );
    }
  });
});
