import { isIP } from 'node:net';

/**
 * A typed, validated view of environment variables. Each app declares its variables once (name,
 * description, default, parser); `loadConfig` reads them all at start-up and stops with one
 * message listing every bad value. Nothing else in the code base reads process.env.
 */
export interface VarSpec<T> {
  description: string;
  /** Used when the variable is unset or empty; absent means the variable is required. */
  default?: T;
  /** Never print the value (in errors, logs or the config dump). */
  secret?: boolean;
  parse(raw: string): T;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Parsed<S> = { [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

export type ConfigOf<S extends Record<string, VarSpec<unknown>>> = Readonly<Parsed<S>>;

export function loadConfig<S extends Record<string, VarSpec<unknown>>>(
  spec: S,
  source: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const problems: string[] = [];
  const result: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(spec)) {
    const raw = source[name];
    if (raw === undefined || raw === '') {
      if (variable.default === undefined) {
        problems.push(`${name} is required: ${variable.description}`);
      } else {
        result[name] = variable.default;
      }
      continue;
    }
    try {
      result[name] = variable.parse(raw);
    } catch (error) {
      const shown = variable.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return Object.freeze(result) as ConfigOf<S>;
}

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parsers for the usual kinds of values. */
export const vars = {
  string(
    description: string,
    options: { default?: string; secret?: boolean; minLength?: number } = {},
  ) {
    return {
      description,
      default: options.default,
      secret: options.secret,
      parse(raw: string) {
        if (options.minLength !== undefined && raw.length < options.minLength) {
          throw new Error(`must be at least ${options.minLength} characters long`);
        }
        return raw;
      },
    } satisfies VarSpec<string>;
  },
  optionalString(description: string, options: { secret?: boolean } = {}) {
    return {
      description,
      default: null,
      secret: options.secret,
      parse: (raw: string): string | null => raw,
    } satisfies VarSpec<string | null>;
  },
  int(description: string, options: { default?: number; min?: number; max?: number } = {}) {
    return {
      description,
      default: options.default,
      parse(raw: string) {
        if (!/^-?\d+$/.test(raw.trim())) {
          throw new Error('must be a whole number');
        }
        const value = Number(raw);
        if (options.min !== undefined && value < options.min) {
          throw new Error(`must be ≥ ${options.min}`);
        }
        if (options.max !== undefined && value > options.max) {
          throw new Error(`must be ≤ ${options.max}`);
        }
        return value;
      },
    } satisfies VarSpec<number>;
  },
  bool(description: string, options: { default?: boolean } = {}) {
    return {
      description,
      default: options.default,
      parse(raw: string) {
        const value = raw.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(value)) {
          return true;
        }
        if (['0', 'false', 'no', 'off'].includes(value)) {
          return false;
        }
        throw new Error('must be true or false');
      },
    } satisfies VarSpec<boolean>;
  },
  url(
    description: string,
    options: { default?: string; secret?: boolean; protocols?: string[] } = {},
  ) {
    return {
      description,
      default: options.default,
      secret: options.secret,
      parse(raw: string) {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          throw new Error('must be an absolute URL');
        }
        if (options.protocols && !options.protocols.includes(url.protocol.replace(/:$/, ''))) {
          throw new Error(`must use ${options.protocols.join(' or ')}`);
        }
        return raw.replace(/\/+$/, '');
      },
    } satisfies VarSpec<string>;
  },
  optionalUrl(description: string, options: { secret?: boolean; protocols?: string[] } = {}) {
    return {
      description,
      default: null,
      secret: options.secret,
      parse(raw: string): string | null {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          throw new Error('must be an absolute URL');
        }
        if (options.protocols && !options.protocols.includes(url.protocol.replace(/:$/, ''))) {
          throw new Error(`must use ${options.protocols.join(' or ')}`);
        }
        return raw.replace(/\/+$/, '');
      },
    } satisfies VarSpec<string | null>;
  },
  /** An interface to listen on: an IP address (0.0.0.0: every one) or a host name. */
  host(description: string, options: { default?: string } = {}) {
    return {
      description,
      default: options.default,
      parse(raw: string) {
        const value = raw.trim();
        const address = value.replace(/^\[(.*)\]$/, '$1');
        // All-digit labels (999.1.1.1, 0.0.0) are a mistyped address, not a name.
        const name = HOST_NAME.test(value) && !/^[\d.]+$/.test(value);
        if (isIP(address) === 0 && !name) {
          throw new Error(
            'must be an IP address or a host name to listen on (0.0.0.0: every interface, 127.0.0.1: this machine only)',
          );
        }
        return address;
      },
    } satisfies VarSpec<string>;
  },
  oneOf<const T extends string>(
    description: string,
    values: readonly T[],
    options: { default?: T } = {},
  ) {
    return {
      description,
      default: options.default,
      parse(raw: string): T {
        if (!(values as readonly string[]).includes(raw)) {
          throw new Error(`must be one of ${values.join(', ')}`);
        }
        return raw as T;
      },
    } satisfies VarSpec<T>;
  },
};

/** The specification as rows for documentation (README) and a start-up dump without secrets. */
export function describeConfig(spec: Record<string, VarSpec<unknown>>) {
  return Object.entries(spec).map(([name, variable]) => ({
    name,
    description: variable.description,
    default: variable.default === undefined ? '(required)' : JSON.stringify(variable.default),
  }));
}
