import { type User } from '../user.model';

/** better-auth's get-session answer for a signed-in user, as the specs' fake server gives it. */
export function sessionAnswer(user: User | Pick<User, 'id'>): object {
  return {
    session: { id: 'session-1', userId: user.id, expiresAt: '2099-01-01T00:00:00.000Z' },
    user: { emailVerified: false, ...user },
  };
}
