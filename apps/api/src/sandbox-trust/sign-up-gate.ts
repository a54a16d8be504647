import { type INestApplication } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { type Pool } from 'pg';
import { type SandboxTrust } from './sandbox-trust';

export const SIGN_UP_CLOSED = 'SIGN_UP_CLOSED';

export const SIGN_UP_CLOSED_MESSAGE =
  'Sign-up is closed: this server runs generated apps without isolation, so it serves its first account only. Its operator can open sign-up with SANDBOX_PROCESS_UNISOLATED=true (see the README on what that means).';

/**
 * Closes email sign-up once there is an account, when SandboxTrust says so. Sign-ups pass one
 * at a time (each waits for the previous one's response), so two racing first sign-ups cannot
 * both get in. Mounted before better-auth's handler.
 */
export function mountSignUpGate(app: INestApplication, trust: SandboxTrust, pool: Pool): void {
  if (!trust.firstAccountOnly) {
    return;
  }
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  let queue: Promise<void> = Promise.resolve();
  express.post('/api/auth/sign-up/email', (req: Request, res: Response, next: NextFunction) => {
    queue = queue.then(async () => {
      try {
        // Not in a libs/db repository: it asks better-auth's users table on better-auth's pg Pool.
        const { rows } = await pool.query<{ taken: boolean }>(
          'SELECT EXISTS (SELECT 1 FROM users) AS taken',
        );
        if (rows[0]?.taken) {
          res.status(403).json({ code: SIGN_UP_CLOSED, message: SIGN_UP_CLOSED_MESSAGE });
          return;
        }
      } catch (error) {
        next(error);
        return;
      }
      const done = new Promise<void>((resolve) => {
        res.once('finish', resolve);
        res.once('close', resolve);
      });
      next();
      await done;
    });
  });
}
