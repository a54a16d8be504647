import { type INestApplication } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { type Auth } from './auth.factory';
import { sendBodyTooLarge } from '../http/body-limit';

/**
 * better-auth's own handler on /api/auth/*, mounted before any body parser (it reads the body
 * itself). X-Forwarded-For is replaced by the address Express trusts (the socket's, unless
 * TRUST_PROXY), so the sign-in rate limit cannot be dodged with a forged header.
 */
export async function mountAuth(app: INestApplication, auth: Auth, bodyLimitBytes: number) {
  const { toNodeHandler } = await import('better-auth/node');
  const handler = toNodeHandler(auth);
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  express.all('/api/auth/*splat', (req: Request, res: Response, next: NextFunction) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > bodyLimitBytes) return sendBodyTooLarge(res, bodyLimitBytes);
    req.headers['x-forwarded-for'] = req.ip ?? req.socket.remoteAddress ?? '';
    handler(req, res).catch(next);
  });
}
