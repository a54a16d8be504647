import { type DataSource, type EntityManager } from 'typeorm';
import { GeneratedFile } from '../entities';

/** A file as written by a user's edit or a restored version. */
export interface FileWrite {
  path: string;
  content: string;
  encoding: GeneratedFile['encoding'];
}

/** A file's path and its size in bytes (decoded for a binary file). */
export interface FileSizeRow {
  path: string;
  size: number;
}

/** A file in the project's listing. */
export interface FileListRow extends FileSizeRow {
  updated_at: Date;
}

/** The project's generated files (the working copy the agent and the user edit). */
export class GeneratedFileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The files in path order (`manager`: inside a transaction). */
  contents(
    projectId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Pick<GeneratedFile, 'path' | 'content' | 'encoding'>[]> {
    return manager.query(
      `SELECT path, content, encoding FROM generated_files WHERE project_id = $1 ORDER BY path COLLATE "C"`,
      [projectId],
    );
  }

  /** Writes `files`; a file there already keeps its phase. */
  async write(
    manager: EntityManager,
    projectId: string,
    phase: number,
    files: FileWrite[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO generated_files (project_id, path, content, encoding, phase)
       SELECT $1, file.path, file.content, file.encoding, $2
       FROM unnest($3::text[], $4::text[], $5::text[]) AS file (path, content, encoding)
       ON CONFLICT (project_id, path)
       DO UPDATE SET content = EXCLUDED.content, encoding = EXCLUDED.encoding, updated_at = now()`,
      [
        projectId,
        phase,
        files.map((file) => file.path),
        files.map((file) => file.content),
        files.map((file) => file.encoding),
      ],
    );
  }

  /** Adds the files of a new project (an import), written by no phase. */
  async insertNew(manager: EntityManager, projectId: string, files: FileWrite[]): Promise<void> {
    const rows = files.map((file) => ({ ...file, projectId, phase: null }));
    // A few hundred rows per statement keeps the parameter count under PostgreSQL's limit.
    for (let at = 0; at < rows.length; at += 500) {
      await manager.insert(GeneratedFile, rows.slice(at, at + 500));
    }
  }

  async remove(manager: EntityManager, projectId: string, paths: string[]): Promise<void> {
    await manager.query(
      `DELETE FROM generated_files WHERE project_id = $1 AND path = ANY($2::text[])`,
      [projectId, paths],
    );
  }

  /** Makes the files those of version `number` of `fromProjectId` (a remix's first files). */
  async copyFromVersion(
    manager: EntityManager,
    projectId: string,
    fromProjectId: string,
    number: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO generated_files (project_id, path, content, encoding)
       SELECT $1, f->>'path', f->>'content', COALESCE(f->>'encoding', 'utf8')
       FROM versions v, jsonb_array_elements(v.files) AS f
       WHERE v.project_id = $2 AND v.number = $3`,
      [projectId, fromProjectId, number],
    );
  }

  /** Paths, sizes and last changes in path order. */
  list(projectId: string): Promise<FileListRow[]> {
    return this.dataSource.query(
      `SELECT path, updated_at, CASE WHEN encoding = 'base64'
         THEN octet_length(decode(content, 'base64')) ELSE octet_length(content) END AS size
       FROM generated_files
       WHERE project_id = $1 ORDER BY path COLLATE "C"`,
      [projectId],
    );
  }

  sizes(projectId: string): Promise<FileSizeRow[]> {
    return this.dataSource.query(
      `SELECT path, CASE WHEN encoding = 'base64' THEN octet_length(decode(content, 'base64'))
         ELSE octet_length(content) END AS size
       FROM generated_files WHERE project_id = $1`,
      [projectId],
    );
  }

  findOne(projectId: string, path: string): Promise<GeneratedFile | null> {
    return this.dataSource.getRepository(GeneratedFile).findOneBy({ projectId, path });
  }

  /** Every file's path, content and encoding, in no particular order. */
  all(projectId: string): Promise<Pick<GeneratedFile, 'path' | 'content' | 'encoding'>[]> {
    return this.dataSource.getRepository(GeneratedFile).find({
      select: { path: true, content: true, encoding: true },
      where: { projectId },
    });
  }
}
