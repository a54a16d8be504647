import { type DataSource, type EntityManager } from 'typeorm';
import { AgentStateRow } from '../entities';
import { type AgentError, type Blueprint, type PhaseInfo } from '@forge/protocol';

/** An agent_states row with its project's owner, as the database answers it. */
export interface AgentStateRecord {
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

/** The agent_states columns the agent writes, by column name. */
export type AgentStateColumns = Partial<
  Pick<
    AgentStateRecord,
    | 'state'
    | 'request'
    | 'request_number'
    | 'request_model'
    | 'blueprint'
    | 'phases'
    | 'current_phase'
    | 'files_in_flight'
    | 'error'
  >
>;

/** Files one phase closed or deleted, written with the state row (AgentStateRepository.saveFiles). */
export interface FileBatchColumns {
  phase: number;
  saved: { path: string; content: string; encoding: 'utf8' | 'base64' }[];
  deleted: string[];
  filesInFlight: string[];
}

const JSON_COLUMNS = new Set(['blueprint', 'phases', 'files_in_flight', 'error']);

/**
 * The agent's state rows. Writes check both the row version (optimistic locking) and that the
 * runner still holds the lease; they answer null when either check fails.
 */
export class AgentStateRepository {
  constructor(private readonly dataSource: DataSource) {}

  async load(projectId: string): Promise<AgentStateRecord | null> {
    const rows: AgentStateRecord[] = await this.dataSource.query(
      `SELECT s.*, p.owner_id FROM agent_states s JOIN projects p ON p.id = s.project_id WHERE s.project_id = $1`,
      [projectId],
    );
    return rows[0] ?? null;
  }

  /** Starts a new project's state row (inside the transaction that creates the project). */
  async create(manager: EntityManager, projectId: string): Promise<void> {
    await manager.query(`INSERT INTO agent_states (project_id) VALUES ($1)`, [projectId]);
  }

  /** As create(), with paths counted as deleted from the start (an import's unused starter files). */
  async createDeleting(
    manager: EntityManager,
    projectId: string,
    deletedPaths: string[],
  ): Promise<void> {
    await manager.insert(AgentStateRow, { projectId, deletedPaths });
  }

  /**
   * A remix's state: the starter files the original deleted stay deleted, unless version
   * `number`'s files hold them again.
   */
  async createRemix(
    manager: EntityManager,
    projectId: string,
    fromProjectId: string,
    number: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO agent_states (project_id, deleted_paths)
       SELECT $1, COALESCE((
         SELECT jsonb_agg(d.path ORDER BY d.path)
         FROM agent_states s, jsonb_array_elements_text(s.deleted_paths) AS d (path)
         WHERE s.project_id = $2 AND NOT EXISTS (
           SELECT 1 FROM versions v, jsonb_array_elements(v.files) AS f
           WHERE v.project_id = $2 AND v.number = $3 AND f->>'path' = d.path)
       ), '[]'::jsonb)`,
      [projectId, fromProjectId, number],
    );
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

  /** Writes `columns` if the row is still at `version` and leased to `runnerId`; the new version. */
  async update(
    projectId: string,
    version: number,
    runnerId: string,
    columns: AgentStateColumns,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number | null> {
    const sets: string[] = [];
    const params: unknown[] = [projectId, version, runnerId];
    for (const [column, value] of Object.entries(columns)) {
      params.push(JSON_COLUMNS.has(column) ? JSON.stringify(value) : value);
      sets.push(`${column} = $${params.length}`);
    }
    const [rows]: [{ version: number }[], number] = await manager.query(
      `UPDATE agent_states SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE project_id = $1 AND version = $2 AND lease_owner = $3 RETURNING version`,
      params,
    );
    return rows[0]?.version ?? null;
  }

  /**
   * Writes a batch of one phase's files and sets files_in_flight, under the same version and
   * lease check as update(), in a single statement: the files change only if the state row does.
   */
  async saveFiles(
    projectId: string,
    version: number,
    runnerId: string,
    batch: FileBatchColumns,
  ): Promise<number | null> {
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
        projectId,
        version,
        runnerId,
        JSON.stringify(batch.filesInFlight),
        batch.phase,
        batch.saved.map((file) => file.path),
        batch.saved.map((file) => file.content),
        batch.deleted,
        batch.saved.map((file) => file.encoding),
      ],
    );
    return rows[0]?.version ?? null;
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

  /** Takes `paths` off the deleted paths: a starter file there is the starter's again. */
  async undelete(manager: EntityManager, projectId: string, paths: string[]): Promise<void> {
    await manager.query(
      `UPDATE agent_states SET deleted_paths = COALESCE((
         SELECT jsonb_agg(path ORDER BY path) FROM jsonb_array_elements_text(deleted_paths) AS d (path)
         WHERE path <> ALL($2::text[])), '[]'::jsonb)
       WHERE project_id = $1`,
      [projectId, paths],
    );
  }

  /** The phases and deleted paths (what a download needs of the state). */
  downloadState(projectId: string): Promise<Pick<AgentStateRow, 'phases' | 'deletedPaths'> | null> {
    return this.dataSource.getRepository(AgentStateRow).findOne({
      select: { projectId: true, phases: true, deletedPaths: true },
      where: { projectId },
    });
  }

  /** Reserves sequence numbers up to `upTo` so a runner taking over starts past them. */
  async reserveSeq(projectId: string, upTo: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE agent_states SET last_seq = GREATEST(last_seq, $2) WHERE project_id = $1`,
      [projectId, upTo],
    );
  }
}
