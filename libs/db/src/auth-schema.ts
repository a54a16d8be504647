/**
 * How better-auth's models map onto our tables: plural table names and snake_case columns, like
 * every other table. The API passes these options to betterAuth(); the initial migration creates
 * exactly this schema, and a test asks better-auth itself whether anything is missing.
 */
const timestamps = { createdAt: 'created_at', updatedAt: 'updated_at' } as const;

export const authSchemaOptions = {
  user: {
    modelName: 'users',
    fields: { emailVerified: 'email_verified', ...timestamps },
  },
  session: {
    modelName: 'sessions',
    fields: {
      expiresAt: 'expires_at',
      ipAddress: 'ip_address',
      userAgent: 'user_agent',
      userId: 'user_id',
      ...timestamps,
    },
  },
  account: {
    modelName: 'accounts',
    fields: {
      accountId: 'account_id',
      providerId: 'provider_id',
      userId: 'user_id',
      accessToken: 'access_token',
      refreshToken: 'refresh_token',
      idToken: 'id_token',
      accessTokenExpiresAt: 'access_token_expires_at',
      refreshTokenExpiresAt: 'refresh_token_expires_at',
      ...timestamps,
    },
  },
  verification: {
    modelName: 'verifications',
    fields: { expiresAt: 'expires_at', ...timestamps },
  },
  rateLimit: {
    storage: 'database',
    modelName: 'rate_limits',
    fields: { lastRequest: 'last_request' },
  },
} as const;
