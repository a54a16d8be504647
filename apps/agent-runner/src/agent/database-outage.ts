/** Socket errors that mean the database cannot be reached right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** What node-postgres says when a connection broke or never came, in its own words. */
const LOST_CONNECTION =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection error|Connection refused|terminating connection|the database system is (starting up|shutting down)|Client was closed/i;

/**
 * Whether `error` says PostgreSQL is out of reach (down, restarting, unreachable or silent
 * past DATABASE_QUERY_TIMEOUT_MS) rather than that a query was wrong: SQLSTATE class 08
 * (connection exception) and 57P01–57P03 (shutdown, cannot connect now), socket errors, and
 * node-postgres's messages for a lost connection. TypeORM wraps them as `driverError`.
 */
export function isDatabaseOutage(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const { code, message, driverError } = cause as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
    };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) {
        return true;
      }
    }
    if (typeof message === 'string' && LOST_CONNECTION.test(message)) {
      return true;
    }
    cause = driverError ?? (cause as { cause?: unknown }).cause;
  }
  return false;
}
