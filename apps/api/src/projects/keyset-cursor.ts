import { ProjectError } from './project.error';

/**
 * Opaque cursors for keyset pagination on (created_at, id). The timestamp travels as Postgres
 * printed it, so its microseconds survive (a JS Date would cut them and skip or repeat rows).
 */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      UUID.test(value[1])
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw ProjectError.invalidCursor();
}

/** A position in a list ordered by `sort`: its key as Postgres printed it, then the id. */
export interface SortedPosition {
  sort: string;
  key: string;
  id: string;
}

export function encodeSortedCursor(position: SortedPosition): string {
  const value = [position.sort, position.key, position.id];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The position of a cursor handed out for `sort` (another order's cursor is refused). */
export function decodeSortedCursor(
  cursor: string,
  sort: string,
  keyIsTimestamp: boolean,
): SortedPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      value[0] === sort &&
      typeof value[1] === 'string' &&
      (!keyIsTimestamp || !Number.isNaN(Date.parse(value[1]))) &&
      typeof value[2] === 'string' &&
      UUID.test(value[2])
    ) {
      return { sort, key: value[1], id: value[2] };
    }
  } catch {
    // fall through to the error below
  }
  throw ProjectError.invalidCursor();
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
