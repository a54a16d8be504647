import { AppError } from '@forge/nest-common';

export enum AppDatabaseErrorCode {
  TableNotFound = 'TABLE_NOT_FOUND',
  Unreachable = 'APP_DATABASE_UNREACHABLE',
  KeyMismatch = 'APP_DATABASE_KEY_MISMATCH',
}

export class AppDatabaseError extends AppError {
  static tableNotFound(name: string): AppDatabaseError {
    return new AppDatabaseError(
      AppDatabaseErrorCode.TableNotFound,
      `No table ${name} in this app's database.`,
      404,
    );
  }

  static unreachable(reason: string): AppDatabaseError {
    return new AppDatabaseError(
      AppDatabaseErrorCode.Unreachable,
      `The app's database could not be read: ${reason}`,
      503,
    );
  }

  /** The stored password does not open: this server's APPS_DATABASE_KEY is not the runners'. */
  static keyMismatch(reason: string): AppDatabaseError {
    return new AppDatabaseError(
      AppDatabaseErrorCode.KeyMismatch,
      `The app's database password could not be opened: ${reason}`,
      500,
    );
  }
}
