import { AppError } from '@forge/nest-common';

export enum PreviewErrorCode {
  Disabled = 'PREVIEW_DISABLED',
}

export class PreviewError extends AppError {
  static disabled(): PreviewError {
    return new PreviewError(
      PreviewErrorCode.Disabled,
      'Previews are off on this server: set PREVIEW_TOKEN_SECRET (32+ characters) and PREVIEW_PORT.',
      503,
    );
  }
}
