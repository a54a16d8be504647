import { HttpErrorResponse } from '@angular/common/http';

/** What a user can act on when a request fails, for pages that have no more specific wording. */
export function httpErrorMessage(error: unknown, action: string): string {
  if (!(error instanceof HttpErrorResponse)) {
    return error instanceof Error
      ? `Could not ${action}: ${error.message}`
      : `Could not ${action}. Try again.`;
  }
  if (error.status === 0) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  if (error.status === 429) {
    return 'Too many attempts, wait a minute.';
  }
  const serverMessage = readServerMessage(error.error);
  if (serverMessage) {
    return `Could not ${action}: ${serverMessage}`;
  }
  return `Could not ${action} (HTTP ${error.status}). Try again.`;
}

/** The API and better-auth both answer errors as `{ message, code? }`. */
export function readServerMessage(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string' && message.trim() !== '') {
      return message;
    }
    // NestJS's ValidationPipe answers with a list of messages.
    if (Array.isArray(message) && message.every((item) => typeof item === 'string')) {
      return message.join('; ');
    }
  }
  return null;
}

/** The `code` field of an error body, when there is one. */
export function readServerCode(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'code' in body) {
    const code = (body as { code: unknown }).code;
    return typeof code === 'string' ? code : null;
  }
  return null;
}
