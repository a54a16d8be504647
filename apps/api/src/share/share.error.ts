import { AppError } from '@forge/nest-common';

export enum ShareErrorCode {
  NotFound = 'SHARE_LINK_NOT_FOUND',
  TooMany = 'SHARE_LINKS_LIMIT',
  VersionNotFound = 'VERSION_NOT_FOUND',
}

export class ShareError extends AppError {
  /** A token never given out, revoked, or whose project is gone: all alike. */
  static notFound(): ShareError {
    return new ShareError(
      ShareErrorCode.NotFound,
      'This share link does not exist or was revoked.',
      404,
    );
  }

  static tooMany(max: number): ShareError {
    return new ShareError(
      ShareErrorCode.TooMany,
      `A project may have at most ${max} share links (SHARE_LINKS_MAX); revoke one first.`,
      409,
    );
  }

  static versionNotFound(number: number): ShareError {
    return new ShareError(
      ShareErrorCode.VersionNotFound,
      `The shared project has no version ${number}.`,
      404,
    );
  }
}
