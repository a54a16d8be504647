import { AppError } from '@forge/nest-common';

export enum AppDatabaseErrorCode {
  TableNotFound = 'TABLE_NOT_FOUND',
  Unreachable = 'APP_DATABASE_UNREACHABLE',
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
}
