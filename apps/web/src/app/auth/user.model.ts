/** The signed-in user, as the session describes them. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

/** Checks a response body instead of trusting a cast: a wrong shape is a server bug worth naming. */
export function parseUser(body: unknown): User | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const { id, email, name } = body as Record<string, unknown>;
  if (typeof id !== 'string' || typeof email !== 'string' || typeof name !== 'string') {
    return null;
  }
  return { id, email, name };
}

/** The user of better-auth's get-session answer (`{ session, user }`). */
export function parseSessionUser(body: unknown): User | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  return parseUser((body as Record<string, unknown>)['user']);
}
