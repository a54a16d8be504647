import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { VersionError } from './version.error';

/** Versions count from 1; the column is a PostgreSQL integer, so larger numbers cannot exist. */
const MAX_VERSION_NUMBER = 2_147_483_647;

/**
 * The `:number` of a version route as a positive integer, or a 400 naming the parameter. A
 * decorator rather than a pipe: the global ValidationPipe would first turn "1e2" into 100 and
 * "01" into 1, and this reads the path as sent.
 */
export const VersionNumber = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const raw = String(context.switchToHttp().getRequest<Request>().params['number'] ?? '');
  const number = /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(number <= MAX_VERSION_NUMBER)) {
    throw VersionError.invalidNumber(raw);
  }
  return number;
});
