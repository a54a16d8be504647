import { type INestApplication } from '@nestjs/common';
import { json, urlencoded } from 'express';
import { type NextFunction, type Request, type Response } from 'express';
import { toErrorBody } from '@forge/nest-common';

export function sendBodyTooLarge(
  res: Response,
  limitBytes: number,
  setting = 'HTTP_BODY_LIMIT_BYTES',
) {
  res
    .status(413)
    .set('connection', 'close')
    .json({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: `The request body is larger than the limit (${setting}) of ${limitBytes} bytes.`,
    });
}

/** A route whose body may be larger than HTTP_BODY_LIMIT_BYTES (an upload), and its setting. */
export interface BodyLimitRoute {
  method: string;
  path: string;
  limitBytes: number;
  setting: string;
}

/**
 * Every request's body, on every route (better-auth's included), is counted as it arrives from
 * the socket, whoever reads it and however it is sent (Content-Length or chunked): past
 * `limitBytes` the request gets 413 at once and the rest is dropped unread, never buffered.
 * All of a Readable's data enters through push(), so wrapping it sees every byte first. The 413
 * carries Connection: close: Node ends the connection once it is out, and a reader still
 * waiting for the body (a body parser, better-auth) sees the request aborted.
 */
export function limitRequestBodies(
  app: INestApplication,
  defaultLimitBytes: number,
  routes: BodyLimitRoute[] = [],
) {
  app.use((req: Request, res: Response, next: NextFunction) => {
    const route = routes.find(
      (candidate) => req.method === candidate.method && req.path === candidate.path,
    );
    const limitBytes = route?.limitBytes ?? defaultLimitBytes;
    const setting = route?.setting ?? 'HTTP_BODY_LIMIT_BYTES';
    if (Number(req.headers['content-length'] ?? 0) > limitBytes) {
      sendBodyTooLarge(res, limitBytes, setting);
      return;
    }
    let received = 0;
    let refused = false;
    const push = req.push.bind(req);
    req.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (refused) {
        return chunk !== null;
      } // past the limit: dropped until the connection closes
      if (chunk !== null && chunk !== undefined) {
        received += (chunk as Buffer | string).length;
        if (received > limitBytes) {
          refused = true;
          if (!res.headersSent) {
            sendBodyTooLarge(res, limitBytes, setting);
          }
          // Answered without reading the body: Node would drain it for the next request.
          else if (res.writableFinished) {
            req.socket.destroy();
          } else {
            res.once('finish', () => req.socket.destroy());
          }
          return true;
        }
      }
      return push(chunk, encoding);
    };
    next();
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
        if (!error) {
          return next();
        }
        if (res.headersSent) {
          return;
        } // already refused by limitRequestBodies
        const { type, status } = error as { type?: string; status?: number };
        if (type === 'entity.too.large') {
          return sendBodyTooLarge(res, limitBytes);
        }
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
