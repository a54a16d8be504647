import { DEMO_CLI_DEFAULT_PORT, DEMO_CLI_PORT_ENV, parseDemoCliArgs } from './cli-options';
import { DEMO_LLM_DEFAULTS } from './demo/demo-llm-server';

describe(parseDemoCliArgs.name, () => {
  it('uses the defaults with no arguments', () => {
    expect(parseDemoCliArgs([], {})).toEqual({
      host: '127.0.0.1',
      port: DEMO_CLI_DEFAULT_PORT,
      chunksPerSecond: DEMO_LLM_DEFAULTS.chunksPerSecond,
    });
  });

  it('reads --port over the environment, in both spellings', () => {
    const env = { [DEMO_CLI_PORT_ENV]: '4000' };
    expect(parseDemoCliArgs([], env).valueOf()).toMatchObject({ port: 4000 });
    expect(parseDemoCliArgs(['--port', '0'], env)).toMatchObject({ port: 0 });
    expect(parseDemoCliArgs(['--port=5000', '--host=0.0.0.0'], env)).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
    });
    expect(parseDemoCliArgs(['--chunks-per-second', 'Infinity'], {})).toMatchObject({
      chunksPerSecond: Infinity,
    });
  });

  it('refuses bad values with a coded error naming the option', () => {
    expect(() => parseDemoCliArgs(['--port', '70000'], {})).toThrow('--port must be a port number');
    expect(() => parseDemoCliArgs([], { [DEMO_CLI_PORT_ENV]: 'x' })).toThrow(DEMO_CLI_PORT_ENV);
    expect(() => parseDemoCliArgs(['--port'], {})).toThrow('needs a value');
    expect(() => parseDemoCliArgs(['--verbose'], {})).toThrow('unknown argument');
    expect(() => parseDemoCliArgs(['--chunks-per-second', '0'], {})).toThrow('> 0');
    expect(() => parseDemoCliArgs(['--port', 'x'], {})).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('asks for help', () => {
    expect(parseDemoCliArgs(['--port', '1', '--help'], {})).toBe('help');
  });
});
