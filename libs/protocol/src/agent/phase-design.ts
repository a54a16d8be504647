import { PACKAGE_SPEC_LIMITS, parsePackageSpec } from '../package-spec';
import { checkProjectPath } from '../project-path';
import { z } from 'zod';

/** Bounds on a design answer, so a runaway answer is refused with the limit it broke. */
export const PHASE_DESIGN_LIMITS = {
  maxNameLength: 100,
  maxDescriptionLength: 4000,
  /** Most files one phase may write. */
  maxFiles: 40,
  maxPurposeLength: 500,
  maxDependencies: PACKAGE_SPEC_LIMITS.maxPackagesPerInstall,
  maxTitleLength: 100,
  /** The project title a first design proposes: short, as on a dashboard card. */
  maxProjectTitleLength: 40,
  maxSummaryLength: 4000,
  /** Most entries in blueprint.views and blueprint.roadmap. */
  maxBlueprintItems: 20,
  maxBlueprintItemLength: 500,
  /** Most tables in one phase's data model. */
  maxTables: 20,
  /** Most fields of one table. */
  maxFields: 40,
  /** Longest SQL column type with its constraints ("text not null default ''"). */
  maxFieldTypeLength: 120,
  /** Most server routes one phase declares. */
  maxRoutes: 30,
  maxRoutePathLength: 200,
} as const;

const L = PHASE_DESIGN_LIMITS;

const projectPath = z.string().superRefine((path, ctx) => {
  const problem = checkProjectPath(path);
  if (problem) {
    ctx.addIssue({ code: 'custom', message: `${problem.code}: ${problem.message}` });
  }
});

const packageSpec = z.string().superRefine((spec, ctx) => {
  const parsed = parsePackageSpec(spec);
  if ('code' in parsed) {
    ctx.addIssue({ code: 'custom', message: `${parsed.code}: ${parsed.message}` });
  }
});

const blueprintItems = z
  .array(z.string().min(1).max(L.maxBlueprintItemLength))
  .max(L.maxBlueprintItems);

export const PhaseBlueprintSchema = z.object({
  title: z.string().min(1).max(L.maxTitleLength),
  summary: z.string().min(1).max(L.maxSummaryLength),
  views: blueprintItems,
  roadmap: blueprintItems,
});

export const PhaseFileSchema = z.object({
  path: projectPath,
  purpose: z.string().max(L.maxPurposeLength),
});

/** A PostgreSQL identifier as the model should write it: lower case, no quoting needed. */
const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const sqlName = z
  .string()
  .regex(SQL_NAME, 'a lower-case SQL name: letters, digits and _, starting with a letter or _');

export const DataFieldSchema = z.object({
  name: sqlName,
  /** The column's SQL type and constraints, e.g. "text not null". */
  type: z.string().min(1).max(L.maxFieldTypeLength),
});

export const DataTableSchema = z.object({
  name: sqlName,
  purpose: z.string().max(L.maxPurposeLength).optional(),
  fields: z.array(DataFieldSchema).min(1).max(L.maxFields),
});

export const ApiRouteSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z
    .string()
    .max(L.maxRoutePathLength)
    .regex(/^\/api(\/[^\s?#]*)?$/, 'a path under /api, such as /api/notes/:id'),
  purpose: z.string().max(L.maxPurposeLength),
});

/**
 * The JSON a design call answers with. Unknown keys are dropped rather than refused: models add
 * them often and they carry nothing the agent uses. `blueprint` is expected in phase 1 only.
 */
export const PhaseDesignSchema = z.object({
  name: z.string().min(1).max(L.maxNameLength),
  description: z.string().min(1).max(L.maxDescriptionLength),
  files: z
    .array(PhaseFileSchema)
    .min(1)
    .max(L.maxFiles)
    .superRefine((files, ctx) => {
      const seen = new Set<string>();
      for (const [index, file] of files.entries()) {
        if (seen.has(file.path)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'path'],
            message: `duplicate path "${file.path}"`,
          });
        }
        seen.add(file.path);
      }
    }),
  dependencies: z.array(packageSpec).max(L.maxDependencies),
  lastPhase: z.boolean(),
  blueprint: PhaseBlueprintSchema.optional(),
  /**
   * The tables the app keeps in its PostgreSQL database once this phase is done (all of them,
   * not only the new ones); absent for an app that keeps no data on a server.
   */
  dataModel: z.object({ tables: z.array(DataTableSchema).min(1).max(L.maxTables) }).optional(),
  /** The server routes (server/app.ts) this phase adds or changes. */
  routes: z.array(ApiRouteSchema).max(L.maxRoutes).optional(),
  /** A short title for the project (2 to 4 words), proposed with phase 1 of a new app. */
  title: z.string().trim().min(1).max(L.maxProjectTitleLength).optional(),
});

export type PhaseBlueprint = z.infer<typeof PhaseBlueprintSchema>;
export type PhaseFile = z.infer<typeof PhaseFileSchema>;
export type DataTable = z.infer<typeof DataTableSchema>;
export type DataModel = { tables: DataTable[] };
export type ApiRoute = z.infer<typeof ApiRouteSchema>;
export type PhaseDesign = z.infer<typeof PhaseDesignSchema>;

export type PhaseDesignProblemCode = 'NO_JSON' | 'INVALID_JSON' | 'INVALID_DESIGN';

export type PhaseDesignParseResult =
  { ok: true; design: PhaseDesign } | { ok: false; code: PhaseDesignProblemCode; message: string };

// A fenced block anywhere in the answer: ```json … ``` (or a bare ``` fence).
const FENCED = /```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```/;

function jsonCandidates(answer: string): string[] {
  const candidates: string[] = [];
  const fenced = FENCED.exec(answer)?.[1]?.trim();
  if (fenced) {
    candidates.push(fenced);
  }
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start !== -1 && end > start) {
    candidates.push(answer.slice(start, end + 1));
  }
  return candidates;
}

/**
 * Reads a design answer: the JSON object inside a code fence when there is one, else (or when
 * that is not JSON, e.g. a value holding a fence) the text from the first `{` to the last `}`.
 * The message of a failure is meant to be fed back to the model, so it says what was wrong.
 */
export function parsePhaseDesignAnswer(answer: string): PhaseDesignParseResult {
  const candidates = jsonCandidates(answer);
  if (candidates.length === 0) {
    return { ok: false, code: 'NO_JSON', message: 'the answer holds no JSON object' };
  }
  let value: unknown;
  let parseError: string | undefined;
  for (const candidate of candidates) {
    try {
      value = JSON.parse(candidate);
      parseError = undefined;
      break;
    } catch (error) {
      parseError ??= error instanceof Error ? error.message : String(error);
    }
  }
  if (parseError !== undefined) {
    return {
      ok: false,
      code: 'INVALID_JSON',
      message: `the design is not valid JSON: ${parseError}`,
    };
  }
  const result = PhaseDesignSchema.safeParse(value);
  if (!result.success) {
    return {
      ok: false,
      code: 'INVALID_DESIGN',
      message: `the design does not match the schema:\n${z.prettifyError(result.error)}`,
    };
  }
  return { ok: true, design: result.data };
}
