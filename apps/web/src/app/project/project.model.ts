/** A project as the REST API lists it; dates are ISO 8601 strings. */
export interface Project {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly state: string;
  /** The LLM calls made for it so far; null when the API did not say. */
  readonly usage: ProjectUsage | null;
}

export interface ProjectUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number | null;
  readonly calls: number;
}

function parseUsage(value: unknown): ProjectUsage | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const { promptTokens, completionTokens, costUsd, calls } = value as Record<string, unknown>;
  const count = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!count(promptTokens) || !count(completionTokens) || !count(calls)) {
    return null;
  }
  return {
    promptTokens: promptTokens as number,
    completionTokens: completionTokens as number,
    costUsd: count(costUsd) ? (costUsd as number) : null,
    calls: calls as number,
  };
}

/** One page of GET /api/projects; `nextCursor` is null on the last page. */
export interface ProjectPage {
  readonly items: readonly Project[];
  readonly nextCursor: string | null;
}

export interface NewProject {
  readonly name: string;
  readonly description: string;
}

/** Thrown when the API answers in a shape this UI does not understand. */
export class ProjectResponseError extends Error {
  readonly code = 'BAD_RESPONSE';

  constructor(what: string) {
    super(`the server's answer for ${what} has an unexpected shape`);
    this.name = 'ProjectResponseError';
  }
}

export function parseProject(body: unknown, what = 'a project'): Project {
  if (typeof body !== 'object' || body === null) {
    throw new ProjectResponseError(what);
  }
  const { id, name, description, createdAt, updatedAt, state, usage } = body as Record<
    string,
    unknown
  >;
  if (
    typeof id !== 'string' ||
    typeof name !== 'string' ||
    typeof createdAt !== 'string' ||
    typeof updatedAt !== 'string' ||
    typeof state !== 'string' ||
    (description !== null && description !== undefined && typeof description !== 'string')
  ) {
    throw new ProjectResponseError(what);
  }
  return {
    id,
    name,
    description: description ?? '',
    createdAt,
    updatedAt,
    state,
    usage: parseUsage(usage),
  };
}

export function parseProjectPage(body: unknown): ProjectPage {
  const what = 'the project list';
  if (typeof body !== 'object' || body === null) {
    throw new ProjectResponseError(what);
  }
  const { items, nextCursor } = body as Record<string, unknown>;
  if (!Array.isArray(items) || (nextCursor != null && typeof nextCursor !== 'string')) {
    throw new ProjectResponseError(what);
  }
  return {
    items: items.map((item: unknown) => parseProject(item, what)),
    nextCursor: nextCursor ?? null,
  };
}
