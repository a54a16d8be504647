import { type INestApplication } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { type Auth } from './auth.factory';

/**
 * better-auth's own handler on /api/auth/*, mounted before any body parser (it reads the body
 * itself, within limitRequestBodies). X-Forwarded-For is replaced by the address Express trusts (the socket's, unless
 * TRUST_PROXY), so the sign-in rate limit cannot be dodged with a forged header.
 */
export async function mountAuth(app: INestApplication, auth: Auth) {
  const { toNodeHandler } = await import('better-auth/node');
  const handler = toNodeHandler(auth);
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  express.all('/api/auth/*splat', (req: Request, res: Response, next: NextFunction) => {
    req.headers['x-forwarded-for'] = req.ip ?? req.socket.remoteAddress ?? '';
    // A body cut off by limitRequestBodies fails better-auth after the 413 has been sent.
    handler(req, res).catch((error: unknown) => (res.headersSent ? undefined : next(error)));
  });
}
