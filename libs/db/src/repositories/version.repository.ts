import { LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import { Version, type VersionFile, type VersionReason } from '../entities';

/** A version as listed: its files counted, not read. */
export interface VersionSummaryRow {
  number: number;
  reason: VersionReason;
  label: string;
  created_at: Date;
  file_count: number;
}

/** The latest version with its files. */
export interface LatestVersionRow {
  number: number;
  reason: VersionReason;
  label: string;
  created_at: Date;
  files: VersionFile[];
}

/** A version with its files, as a push reads it. */
export interface VersionFilesRow {
  number: number;
  label: string;
  files: VersionFile[];
  created_at: Date;
}

/** The project's versions: its whole file set after every phase, fix, edit and rollback. */
export class VersionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The files of version `number`, or null when the project has no such version. */
  async files(
    projectId: string,
    number: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<VersionFile[] | null> {
    const rows: Pick<Version, 'files'>[] = await manager.query(
      `SELECT files FROM versions WHERE project_id = $1 AND number = $2`,
      [projectId, number],
    );
    return rows[0]?.files ?? null;
  }

  async exists(
    projectId: string,
    number: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM versions WHERE project_id = $1 AND number = $2`,
      [projectId, number],
    );
    return rows.length > 0;
  }

  /** The highest version number, or null when the project has none. */
  async latestNumber(
    projectId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<number | null> {
    const rows: { number: number | null }[] = await manager.query(
      `SELECT max(number) AS number FROM versions WHERE project_id = $1`,
      [projectId],
    );
    return rows[0]?.number ?? null;
  }

  async latest(manager: EntityManager, projectId: string): Promise<LatestVersionRow | null> {
    const rows: LatestVersionRow[] = await manager.query(
      `SELECT number, reason, label, created_at, files FROM versions
         WHERE project_id = $1 ORDER BY number DESC LIMIT 1`,
      [projectId],
    );
    return rows[0] ?? null;
  }

  async insert(
    manager: EntityManager,
    version: Pick<Version, 'projectId' | 'number' | 'reason' | 'label' | 'files'>,
  ): Promise<Pick<Version, 'number'> & { created_at: Date }> {
    const [row]: (Pick<Version, 'number'> & { created_at: Date })[] = await manager.query(
      `INSERT INTO versions (project_id, number, reason, label, files)
       VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING number, created_at`,
      [
        version.projectId,
        version.number,
        version.reason,
        version.label,
        JSON.stringify(version.files),
      ],
    );
    return row!;
  }

  /** Copies versions up to `upTo` of `fromProjectId` into `projectId` (a remix). */
  async copy(
    manager: EntityManager,
    projectId: string,
    fromProjectId: string,
    upTo: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO versions (project_id, number, reason, label, files, created_at)
       SELECT $1, number, reason, label, files, created_at FROM versions
       WHERE project_id = $2 AND number <= $3`,
      [projectId, fromProjectId, upTo],
    );
  }

  /** The versions numbered above `after`, oldest first. */
  since(projectId: string, after: number): Promise<VersionFilesRow[]> {
    return this.dataSource.query(
      `SELECT number, label, files, created_at FROM versions
       WHERE project_id = $1 AND number > $2 ORDER BY number`,
      [projectId, after],
    );
  }

  /** Newest first. */
  summaries(projectId: string): Promise<VersionSummaryRow[]> {
    return this.dataSource.query(
      `SELECT number, reason, label, created_at, jsonb_array_length(files) AS file_count
       FROM versions WHERE project_id = $1 ORDER BY number DESC`,
      [projectId],
    );
  }

  /** Version `number` (when there is one) and the one before it, newest first. */
  upTo(projectId: string, number: number): Promise<Pick<Version, 'number' | 'files'>[]> {
    return this.dataSource.getRepository(Version).find({
      select: { number: true, files: true },
      where: { projectId, number: LessThanOrEqual(number) },
      order: { number: 'DESC' },
      take: 2,
    });
  }

  /**
   * The files of the latest version recorded before the project's last user message (none
   * before a first request).
   */
  async filesBeforeLastRequest(projectId: string): Promise<VersionFile[]> {
    const rows: Pick<Version, 'files'>[] = await this.dataSource.query(
      `SELECT files FROM versions WHERE project_id = $1 AND created_at < (
         SELECT max(created_at) FROM conversation_messages WHERE project_id = $1 AND role = 'user')
       ORDER BY number DESC LIMIT 1`,
      [projectId],
    );
    return rows[0]?.files ?? [];
  }
}
