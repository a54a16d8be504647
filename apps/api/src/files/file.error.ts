import { AppError } from '@forge/nest-common';
import { type ProjectPathProblem } from '@forge/protocol';

export enum FileErrorCode {
  NotFound = 'FILE_NOT_FOUND',
  InvalidPath = 'INVALID_PATH',
}

export class FileError extends AppError {
  static notFound(path: string): FileError {
    return new FileError(FileErrorCode.NotFound, `No file ${path} in this project.`, 404);
  }

  static invalidPath(problem: ProjectPathProblem): FileError {
    return new FileError(FileErrorCode.InvalidPath, `Invalid file path: ${problem.message}.`, 400, {
      reason: problem.code,
    });
  }
}
