import { type INestApplication } from '@nestjs/common';
import { json, urlencoded } from 'express';
import { type NextFunction, type Request, type Response } from 'express';
import { toErrorBody } from '@forge/nest-common';

export function sendBodyTooLarge(res: Response, limitBytes: number) {
  res.status(413).json({
    statusCode: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: `The request body is larger than the limit (HTTP_BODY_LIMIT_BYTES) of ${limitBytes} bytes.`,
  });
}

/**
 * JSON and form bodies up to HTTP_BODY_LIMIT_BYTES. Parser errors are answered here because they
 * happen before Nest's router and its exception filter.
 */
export function useBodyParsers(app: INestApplication, limitBytes: number) {
  for (const parser of [
    json({ limit: limitBytes }),
    urlencoded({ limit: limitBytes, extended: false }),
  ]) {
    app.use((req: Request, res: Response, next: NextFunction) =>
      parser(req, res, (error?: unknown) => {
        if (!error) return next();
        const { type, status } = error as { type?: string; status?: number };
        if (type === 'entity.too.large') return sendBodyTooLarge(res, limitBytes);
        if (status === 400) {
          return res.status(400).json({
            statusCode: 400,
            code: 'MALFORMED_BODY',
            message: 'The request body is not valid JSON.',
          });
        }
        const body = toErrorBody(error);
        res.status(body.statusCode).json(body);
      }),
    );
  }
}
