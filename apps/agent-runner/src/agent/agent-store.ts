import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import {
  type AgentError,
  type AgentState,
  type Blueprint,
  encodingOf,
  type FileEncoding,
  isAgentState,
  type PhaseInfo,
} from '@forge/protocol';

/** A saved file's content; encoding 'base64' for a binary file (see ProjectFile). */
export interface FileBody {
  content: string;
  encoding?: FileEncoding;
}

/** The text files' contents by path (binary files left out): what reads code, not bytes. */
export function textContents(files: ReadonlyMap<string, FileBody>): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [path, file] of files) {
    if (file.encoding === undefined) {
      texts.set(path, file.content);
    }
  }
  return texts;
}

/** The database's encoding column for a file. */
export function encodingColumn(file: { encoding?: FileEncoding }): 'utf8' | 'base64' {
  return file.encoding ?? 'utf8';
}

/** The persisted state of one project's agent, as the agent works with it. */
export interface AgentSnapshotRow {
  projectId: string;
  ownerId: string;
  state: AgentState;
  request: string | null;
  requestNumber: number;
  /** The model the request chose; null: the configured one. */
  requestModel: string | null;
  blueprint: Blueprint | null;
  phases: PhaseInfo[];
  currentPhase: number;
  /** Paths closed so far in the current phase (kept when a phase is resumed). */
  filesInFlight: string[];
  error: AgentError | null;
  lastSeq: number;
  version: number;
}

export type AgentStatePatch = Partial<
  Pick<
    AgentSnapshotRow,
    | 'state'
    | 'request'
    | 'requestNumber'
    | 'requestModel'
    | 'blueprint'
    | 'phases'
    | 'currentPhase'
    | 'filesInFlight'
    | 'error'
  >
>;

/** Files one phase closed or deleted, saved together (AgentStore.saveFiles). */
export interface FileBatch {
  phase: number;
  saved: { path: string; content: string; encoding?: FileEncoding }[];
  deleted: string[];
  /** The phase's closed paths once this batch is in. */
  filesInFlight: string[];
}

/** Another runner holds the project now (or its row changed under us): stop working on it. */
export class LeaseLostError extends Error {
  constructor(projectId: string) {
    super(`lost the lease on project ${projectId}`);
    this.name = 'LeaseLostError';
  }
}

interface StateRow {
  project_id: string;
  owner_id: string;
  state: string;
  request: string | null;
  request_number: number;
  request_model: string | null;
  blueprint: Blueprint | null;
  phases: PhaseInfo[];
  current_phase: number;
  files_in_flight: string[];
  error: AgentError | null;
  last_seq: string;
  version: number;
}

const COLUMNS: Record<keyof AgentStatePatch, string> = {
  state: 'state',
  request: 'request',
  requestNumber: 'request_number',
  requestModel: 'request_model',
  blueprint: 'blueprint',
  phases: 'phases',
  currentPhase: 'current_phase',
  filesInFlight: 'files_in_flight',
  error: 'error',
};
const JSON_COLUMNS = new Set(['blueprint', 'phases', 'files_in_flight', 'error']);

function toSnapshot(row: StateRow): AgentSnapshotRow {
  if (!isAgentState(row.state))
    throw new Error(`project ${row.project_id} has unknown state ${row.state}`);
  return {
    projectId: row.project_id,
    ownerId: row.owner_id,
    state: row.state,
    request: row.request,
    requestNumber: row.request_number,
    requestModel: row.request_model ?? null,
    blueprint: row.blueprint,
    phases: row.phases,
    currentPhase: row.current_phase,
    filesInFlight: row.files_in_flight,
    error: row.error,
    lastSeq: Number(row.last_seq),
    version: row.version,
  };
}

/** `paths` appended to `list`, each once. */
export function withPaths(list: readonly string[], paths: readonly string[]): string[] {
  const added = paths.filter((path, i) => !list.includes(path) && paths.indexOf(path) === i);
  return added.length ? [...list, ...added] : [...list];
}

/**
 * Everything the agent reads and writes in PostgreSQL. Writes to a project's state check both
 * the row version (optimistic locking) and that this runner still holds the lease.
 */
@Injectable()
export class AgentStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async load(projectId: string): Promise<AgentSnapshotRow | null> {
    const rows: StateRow[] = await this.dataSource.query(
      `SELECT s.*, p.owner_id FROM agent_states s JOIN projects p ON p.id = s.project_id WHERE s.project_id = $1`,
      [projectId],
    );
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  /** The files of the project's version `number`, or null when it has no such version. */
  async versionFiles(
    projectId: string,
    number: number,
  ): Promise<{ path: string; content: string }[] | null> {
    const rows: { files: { path: string; content: string }[] }[] = await this.dataSource.query(
      `SELECT files FROM versions WHERE project_id = $1 AND number = $2`,
      [projectId, number],
    );
    return rows[0]?.files ?? null;
  }

  /** The id of the project's owner, or null when there is no such project. */
  async ownerOf(projectId: string): Promise<string | null> {
    const rows: { owner_id: string }[] = await this.dataSource.query(
      `SELECT owner_id FROM projects WHERE id = $1`,
      [projectId],
    );
    return rows[0]?.owner_id ?? null;
  }

  /** The owner's projects whose agent is working (on any runner), by the state rows. */
  async busyProjectsOf(ownerId: string): Promise<string[]> {
    const rows: { project_id: string }[] = await this.dataSource.query(
      `SELECT s.project_id FROM agent_states s JOIN projects p ON p.id = s.project_id
        WHERE p.owner_id = $1 AND s.state NOT IN ('IDLE', 'COMPLETE')`,
      [ownerId],
    );
    return rows.map((row) => row.project_id);
  }

  /** Applies `patch` if the row is still at `version` and leased to `runnerId`; returns the new row. */
  async update(
    row: AgentSnapshotRow,
    runnerId: string,
    patch: AgentStatePatch,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AgentSnapshotRow> {
    const sets: string[] = [];
    const params: unknown[] = [row.projectId, row.version, runnerId];
    for (const [key, value] of Object.entries(patch) as [keyof AgentStatePatch, unknown][]) {
      const column = COLUMNS[key];
      params.push(JSON_COLUMNS.has(column) ? JSON.stringify(value) : value);
      sets.push(`${column} = $${params.length}`);
    }
    const [rows]: [{ version: number }[], number] = await manager.query(
      `UPDATE agent_states SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE project_id = $1 AND version = $2 AND lease_owner = $3 RETURNING version`,
      params,
    );
    if (rows.length === 0) throw new LeaseLostError(row.projectId);
    return { ...row, ...patch, version: rows[0]!.version };
  }

  /**
   * Applies a batch of one phase's closed and deleted files and sets `filesInFlight`, under the
   * same version and lease check as update(), in a single statement: the files change only if
   * the state row does. A path may appear once in the whole batch (the caller keeps the last
   * change of each).
   */
  async saveFiles(
    row: AgentSnapshotRow,
    runnerId: string,
    batch: FileBatch,
  ): Promise<AgentSnapshotRow> {
    const rows: { version: number }[] = await this.dataSource.query(
      `WITH state AS (
         UPDATE agent_states SET files_in_flight = $4, version = version + 1, updated_at = now(),
           deleted_paths = CASE WHEN cardinality($8::text[]) = 0 THEN deleted_paths ELSE (
             SELECT jsonb_agg(DISTINCT path ORDER BY path)
             FROM (SELECT jsonb_array_elements_text(deleted_paths) UNION ALL SELECT unnest($8::text[]))
               AS known (path)) END
         WHERE project_id = $1 AND version = $2 AND lease_owner = $3 RETURNING project_id, version
       ), removed AS (
         DELETE FROM generated_files f USING state
         WHERE f.project_id = state.project_id AND f.path = ANY($8::text[])
       ), saved AS (
         INSERT INTO generated_files (project_id, path, content, encoding, phase)
         SELECT state.project_id, file.path, file.content, file.encoding, $5::integer
         FROM state, unnest($6::text[], $7::text[], $9::text[]) AS file (path, content, encoding)
         ON CONFLICT (project_id, path)
         DO UPDATE SET content = EXCLUDED.content, encoding = EXCLUDED.encoding,
           phase = EXCLUDED.phase, updated_at = now()
       )
       SELECT version FROM state`,
      [
        row.projectId,
        row.version,
        runnerId,
        JSON.stringify(batch.filesInFlight),
        batch.phase,
        batch.saved.map((file) => file.path),
        batch.saved.map((file) => file.content),
        batch.deleted,
        batch.saved.map(encodingColumn),
      ],
    );
    if (rows.length === 0) throw new LeaseLostError(row.projectId);
    return { ...row, filesInFlight: batch.filesInFlight, version: rows[0]!.version };
  }

  /** Paths the agent deleted that the project has no file at now (starter files among them). */
  async deletedPaths(projectId: string): Promise<string[]> {
    const rows: { path: string }[] = await this.dataSource.query(
      `SELECT d.path FROM agent_states s, jsonb_array_elements_text(s.deleted_paths) AS d (path)
        WHERE s.project_id = $1 AND NOT EXISTS (
          SELECT 1 FROM generated_files f WHERE f.project_id = s.project_id AND f.path = d.path)`,
      [projectId],
    );
    return rows.map((row) => row.path);
  }

  /** The project's generated files by path, in path order (`manager`: inside a transaction). */
  async files(
    projectId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, FileBody>> {
    const rows: { path: string; content: string; encoding: string }[] = await manager.query(
      `SELECT path, content, encoding FROM generated_files WHERE project_id = $1 ORDER BY path COLLATE "C"`,
      [projectId],
    );
    return new Map(
      rows.map((row) => [
        row.path,
        { content: row.content, ...encodingOf(row.encoding === 'base64' ? 'base64' : null) },
      ]),
    );
  }

  async addMessage(
    projectId: string,
    role: 'user' | 'assistant' | 'system',
    content: string,
  ): Promise<{ id: string; createdAt: string }> {
    const [row]: { id: string; created_at: Date }[] = await this.dataSource.query(
      `INSERT INTO conversation_messages (project_id, role, content) VALUES ($1, $2, $3) RETURNING id, created_at`,
      [projectId, role, content],
    );
    return { id: row!.id, createdAt: row!.created_at.toISOString() };
  }

  /** Reserves sequence numbers up to `upTo` so a runner taking over starts past them. */
  async reserveSeq(projectId: string, upTo: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE agent_states SET last_seq = GREATEST(last_seq, $2) WHERE project_id = $1`,
      [projectId, upTo],
    );
  }
}
