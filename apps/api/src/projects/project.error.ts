import { ErrorCode } from '@forge/protocol';
import { AppError } from '@forge/nest-common';

export enum ProjectErrorCode {
  NotFound = ErrorCode.ProjectNotFound,
  InvalidCursor = 'INVALID_CURSOR',
  PageTooLarge = 'PAGE_TOO_LARGE',
  NoThumbnail = 'THUMBNAIL_NOT_FOUND',
}

export class ProjectError extends AppError {
  /** Also for another user's project: its existence is not revealed. */
  static notFound(): ProjectError {
    return new ProjectError(ProjectErrorCode.NotFound, 'No such project.', 404);
  }

  static noThumbnail(): ProjectError {
    return new ProjectError(
      ProjectErrorCode.NoThumbnail,
      'This project has no picture of its preview yet.',
      404,
    );
  }

  static invalidCursor(): ProjectError {
    return new ProjectError(
      ProjectErrorCode.InvalidCursor,
      'The cursor is not one this API gave out; start again from the first page.',
      400,
    );
  }

  static pageTooLarge(max: number): ProjectError {
    return new ProjectError(
      ProjectErrorCode.PageTooLarge,
      `limit must be at most ${max} (PROJECTS_PAGE_SIZE_MAX).`,
      400,
    );
  }
}
