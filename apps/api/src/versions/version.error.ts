import { AppError } from '@forge/nest-common';

export enum VersionErrorCode {
  NotFound = 'VERSION_NOT_FOUND',
  InvalidNumber = 'INVALID_VERSION_NUMBER',
}

export class VersionError extends AppError {
  static notFound(number: number): VersionError {
    return new VersionError(
      VersionErrorCode.NotFound,
      `This project has no version ${number}.`,
      404,
    );
  }

  static invalidNumber(raw: string): VersionError {
    return new VersionError(
      VersionErrorCode.InvalidNumber,
      `The version number must be a whole number from 1 up, not ${JSON.stringify(raw)} (parameter "number").`,
      400,
      { parameter: 'number' },
    );
  }
}
