import { DEMO_LLM_DEFAULTS } from './demo/demo-llm-server';
import { ScriptedLlmError } from './server/scripted-llm-error';

export interface DemoCliOptions {
  host: string;
  port: number;
  chunksPerSecond: number;
}

/** The demo's port when neither --port nor the environment names one. */
export const DEMO_CLI_DEFAULT_PORT = 3090;
/** Read when --port is not given. */
export const DEMO_CLI_PORT_ENV = 'FORGE_DEMO_LLM_PORT';
const MAX_PORT = 65535;

export const DEMO_CLI_USAGE = `Usage: node libs/scripted-llm/dist/main.js [options]
Serves the offline demo model (forge-demo) over an OpenAI-compatible HTTP API.
  --port <n>               port, 0 for any free one (default $${DEMO_CLI_PORT_ENV} or ${DEMO_CLI_DEFAULT_PORT})
  --host <address>         address to listen on (default 127.0.0.1)
  --chunks-per-second <n>  streaming pace (default ${DEMO_LLM_DEFAULTS.chunksPerSecond}; Infinity for no pacing)
  --help                   this text
`;

function invalid(message: string): never {
  throw new ScriptedLlmError('INVALID_OPTION', message);
}

function parsePort(value: string, source: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= MAX_PORT)) {
    invalid(`${source} must be a port number from 0 to ${MAX_PORT}, got "${value}"`);
  }
  return port;
}

/** Reads `--name value` and `--name=value` arguments; 'help' when --help is among them. */
export function parseDemoCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DemoCliOptions | 'help' {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      return 'help';
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !['port', 'host', 'chunks-per-second'].includes(match[1])) {
      invalid(`unknown argument "${arg}"\n${DEMO_CLI_USAGE}`);
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) {
      invalid(`--${match[1]} needs a value`);
    }
    values.set(match[1], value);
  }
  const portArg = values.get('port');
  const portEnv = env[DEMO_CLI_PORT_ENV];
  const port =
    portArg !== undefined
      ? parsePort(portArg, '--port')
      : portEnv
        ? parsePort(portEnv, DEMO_CLI_PORT_ENV)
        : DEMO_CLI_DEFAULT_PORT;
  const pace = values.get('chunks-per-second');
  const chunksPerSecond = pace === undefined ? DEMO_LLM_DEFAULTS.chunksPerSecond : Number(pace);
  if (!(chunksPerSecond > 0)) {
    invalid(`--chunks-per-second must be a number > 0, got "${pace}"`);
  }
  const host = values.get('host') ?? '127.0.0.1';
  if (host === '') {
    invalid('--host must not be empty');
  }
  return { host, port, chunksPerSecond };
}
