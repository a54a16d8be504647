import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import {
  type AgentStateColumns,
  type AgentStateRecord,
  AgentStateRepository,
  type GeneratedFile,
  GeneratedFileRepository,
  MessageRepository,
  ProjectRepository,
  type VersionFile,
  VersionRepository,
} from '@forge/db';
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
export function encodingColumn(file: { encoding?: FileEncoding }): GeneratedFile['encoding'] {
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

const COLUMNS: Record<keyof AgentStatePatch, keyof AgentStateColumns> = {
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

function toSnapshot(row: AgentStateRecord): AgentSnapshotRow {
  if (!isAgentState(row.state)) {
    throw new Error(`project ${row.project_id} has unknown state ${row.state}`);
  }
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

/** The patch by column name. */
function toColumns(patch: AgentStatePatch): AgentStateColumns {
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch) as [keyof AgentStatePatch, unknown][]) {
    columns[COLUMNS[key]] = value;
  }
  return columns;
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
  constructor(
    private readonly states: AgentStateRepository,
    private readonly generatedFiles: GeneratedFileRepository,
    private readonly versions: VersionRepository,
    private readonly projects: ProjectRepository,
    private readonly messages: MessageRepository,
  ) {}

  async load(projectId: string): Promise<AgentSnapshotRow | null> {
    const row = await this.states.load(projectId);
    return row ? toSnapshot(row) : null;
  }

  /** The files of the project's version `number`, or null when it has no such version. */
  versionFiles(projectId: string, number: number): Promise<VersionFile[] | null> {
    return this.versions.files(projectId, number);
  }

  /** The number of the project's latest version; 0 when it has none yet. */
  async latestVersion(projectId: string): Promise<number> {
    return (await this.versions.latestNumber(projectId)) ?? 0;
  }

  /** The id of the project's owner, or null when there is no such project. */
  ownerOf(projectId: string): Promise<string | null> {
    return this.projects.ownerOf(projectId);
  }

  /**
   * Names the project after the title its first design proposed, unless the owner renamed it;
   * true when the name changed.
   */
  proposeTitle(projectId: string, title: string): Promise<boolean> {
    return this.projects.proposeTitle(projectId, title);
  }

  /** The owner's projects whose agent is working (on any runner), by the state rows. */
  busyProjectsOf(ownerId: string): Promise<string[]> {
    return this.states.busyProjectsOf(ownerId);
  }

  /** Applies `patch` if the row is still at `version` and leased to `runnerId`; returns the new row. */
  async update(
    row: AgentSnapshotRow,
    runnerId: string,
    patch: AgentStatePatch,
    manager?: EntityManager,
  ): Promise<AgentSnapshotRow> {
    const version = await this.states.update(
      row.projectId,
      row.version,
      runnerId,
      toColumns(patch),
      manager,
    );
    if (version === null) {
      throw new LeaseLostError(row.projectId);
    }
    return { ...row, ...patch, version };
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
    const version = await this.states.saveFiles(row.projectId, row.version, runnerId, {
      ...batch,
      saved: batch.saved.map((file) => ({ ...file, encoding: encodingColumn(file) })),
    });
    if (version === null) {
      throw new LeaseLostError(row.projectId);
    }
    return { ...row, filesInFlight: batch.filesInFlight, version };
  }

  /** Paths the agent deleted that the project has no file at now (starter files among them). */
  deletedPaths(projectId: string): Promise<string[]> {
    return this.states.deletedPaths(projectId);
  }

  /** The project's generated files by path, in path order (`manager`: inside a transaction). */
  async files(projectId: string, manager?: EntityManager): Promise<Map<string, FileBody>> {
    const rows = await this.generatedFiles.contents(projectId, manager);
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
    const row = await this.messages.add(projectId, role, content);
    return { id: row.id, createdAt: row.created_at.toISOString() };
  }

  /** Reserves sequence numbers up to `upTo` so a runner taking over starts past them. */
  reserveSeq(projectId: string, upTo: number): Promise<void> {
    return this.states.reserveSeq(projectId, upTo);
  }
}
