import { z } from 'zod';

/** Why a version was made: after a phase, a fix phase, a user's edit, or a rollback. */
export type VersionReason = 'phase' | 'fix' | 'edit' | 'rollback';

/** One entry of GET /api/projects/:id/versions (newest first). */
export interface VersionSummary {
  number: number;
  reason: VersionReason;
  label: string;
  createdAt: string;
  fileCount: number;
}

export interface VersionList {
  versions: VersionSummary[];
}

export type VersionFileStatus = 'added' | 'removed' | 'changed';

/** GET /api/projects/:id/versions/:number/diff: what the version changed from the one before. */
export interface VersionDiff {
  number: number;
  /** The version compared against; null for the first version (everything is added). */
  against: number | null;
  files: { path: string; status: VersionFileStatus; diff: string }[];
}

/** Limits on what a preview may report about its runtime errors (the browser is untrusted). */
export const RUNTIME_ERROR_LIMITS = {
  /** Errors in one report; more are dropped by the reporting script and refused by the server. */
  maxErrorsPerReport: 20,
  /** Characters of an error's message, stack and source; longer ones are cut. */
  maxMessageChars: 4_000,
  /** Bytes of one report's body. */
  maxReportBytes: 128 * 1024,
  /** Largest page age a report may claim (a week), in ms. */
  maxPageAgeMs: 7 * 24 * 3600 * 1000,
} as const;

/** An error the app raised in a browser: uncaught, an unhandled rejection, or console.error. */
export const RuntimeErrorReportSchema = z.strictObject({
  kind: z.enum(['error', 'unhandledrejection', 'console.error']),
  message: z.string().max(RUNTIME_ERROR_LIMITS.maxMessageChars),
  stack: z.string().max(RUNTIME_ERROR_LIMITS.maxMessageChars).optional(),
  /** Where it happened: `url:line:column` when the browser says. */
  source: z.string().max(RUNTIME_ERROR_LIMITS.maxMessageChars).optional(),
  /** How long the page had been loaded when the report was sent, in ms. */
  pageAgeMs: z.number().int().nonnegative().max(RUNTIME_ERROR_LIMITS.maxPageAgeMs).optional(),
  /** The page load it came from (random, one per load): its errors belong to the same code. */
  loadId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .optional(),
});

export type RuntimeErrorReport = z.infer<typeof RuntimeErrorReportSchema>;

export const RuntimeErrorReportsSchema = z
  .array(RuntimeErrorReportSchema)
  .min(1)
  .max(RUNTIME_ERROR_LIMITS.maxErrorsPerReport);
