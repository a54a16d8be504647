import { AppError } from '@forge/nest-common';

export enum DownloadErrorCode {
  TooLarge = 'DOWNLOAD_TOO_LARGE',
}

export class DownloadError extends AppError {
  static tooLarge(bytes: number, limit: number): DownloadError {
    return new DownloadError(
      DownloadErrorCode.TooLarge,
      `The project's files come to ${bytes} bytes; downloads are limited to ${limit} bytes (DOWNLOAD_MAX_BYTES).`,
      413,
      { bytes, limit },
    );
  }
}
