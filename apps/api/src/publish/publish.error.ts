import { AppError } from '@forge/nest-common';

export enum PublishErrorCode {
  Disabled = 'PUBLISH_DISABLED',
  InvalidSlug = 'INVALID_SLUG',
  SlugReserved = 'SLUG_RESERVED',
  SlugTaken = 'SLUG_TAKEN',
  NotPublished = 'NOT_PUBLISHED',
  VersionNotFound = 'VERSION_NOT_FOUND',
  NoVersion = 'NO_VERSION',
  Conflict = 'PUBLISH_CONFLICT',
}

export class PublishError extends AppError {
  static disabled(): PublishError {
    return new PublishError(
      PublishErrorCode.Disabled,
      'Publishing is off on this server (PUBLISH_PORT is 0).',
      503,
    );
  }

  static invalidSlug(reason: string): PublishError {
    return new PublishError(PublishErrorCode.InvalidSlug, `The address name ${reason}.`, 400);
  }

  static slugReserved(slug: string): PublishError {
    return new PublishError(
      PublishErrorCode.SlugReserved,
      `"${slug}" is reserved; choose another address name.`,
      400,
    );
  }

  static slugTaken(slug: string): PublishError {
    return new PublishError(
      PublishErrorCode.SlugTaken,
      `"${slug}" is taken by another app; choose another address name.`,
      409,
    );
  }

  static notPublished(): PublishError {
    return new PublishError(PublishErrorCode.NotPublished, 'This project is not published.', 404);
  }

  static versionNotFound(number: number): PublishError {
    return new PublishError(
      PublishErrorCode.VersionNotFound,
      `The project has no version ${number}.`,
      404,
    );
  }

  static changedMeanwhile(): PublishError {
    return new PublishError(
      PublishErrorCode.Conflict,
      'The app was unpublished while this request ran; publish it again.',
      409,
    );
  }

  static noVersion(): PublishError {
    return new PublishError(
      PublishErrorCode.NoVersion,
      'The project has no version to publish yet; generate the app first.',
      409,
    );
  }
}
