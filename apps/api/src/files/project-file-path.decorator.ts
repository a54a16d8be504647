import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';
import { checkProjectPath } from '@forge/protocol';
import { FileError } from './file.error';

/**
 * The file path of `…/files/*path`, checked with the same rules as every other path (DESIGN.md:
 * relative, normalised, no "..", NUL or backslash). Express has already percent-decoded each
 * segment, so `%2e%2e` arrives here as ".." and is refused like it.
 */
export const ProjectFilePath = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<Request>();
  const raw: unknown = request.params['path'];
  const path = Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
  const problem = checkProjectPath(path);
  if (problem) {
    throw FileError.invalidPath(problem);
  }
  return path;
});
