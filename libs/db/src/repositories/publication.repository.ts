import { type DataSource, type EntityManager } from 'typeorm';
import { Publication, type PublicationFile, type PublicationVisibility } from '../entities';

/** What the published-app server needs of a publication, read by slug. */
export interface LivePublicationRow {
  project_id: string;
  owner_id: string;
  visibility: PublicationVisibility;
  access_token: string;
  build_id: string;
  /** The live build has a server part (its /api). */
  has_server: boolean;
}

/** What a runner needs to start a published app's server part. */
export interface PublishedServerRow {
  build_id: string;
  server_bundle: Buffer;
}

/** Published apps: each project's publication and its builds' files. */
export class PublicationRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByProject(projectId: string): Promise<Publication | null> {
    return this.dataSource.getRepository(Publication).findOneBy({ projectId });
  }

  /** The project's publication, its row locked FOR UPDATE inside `manager`'s transaction. */
  lockByProject(manager: EntityManager, projectId: string): Promise<Publication | null> {
    return manager.findOne(Publication, {
      where: { projectId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async update(
    manager: EntityManager,
    projectId: string,
    values: Omit<Publication, 'projectId' | 'createdAt' | 'updatedAt'>,
  ): Promise<void> {
    await manager.update(Publication, { projectId }, values);
  }

  async insert(
    manager: EntityManager,
    values: Omit<Publication, 'createdAt' | 'updatedAt'>,
  ): Promise<void> {
    await manager.insert(Publication, values);
  }

  /** The project whose publication has `slug`, if one has. */
  async projectAt(slug: string): Promise<string | null> {
    const rows: Pick<LivePublicationRow, 'project_id'>[] = await this.dataSource.query(
      `SELECT project_id FROM publications WHERE slug = $1`,
      [slug],
    );
    return rows[0]?.project_id ?? null;
  }

  async live(slug: string): Promise<LivePublicationRow | null> {
    const rows: LivePublicationRow[] = await this.dataSource.query(
      `SELECT p.project_id, pr.owner_id, p.visibility, p.access_token, p.build_id,
              p.server_bundle IS NOT NULL AS has_server
       FROM publications p JOIN projects pr ON pr.id = p.project_id WHERE p.slug = $1`,
      [slug],
    );
    return rows[0] ?? null;
  }

  /** Removes the project's publication and all its files; the slugs it had. */
  async remove(manager: EntityManager, projectId: string): Promise<string[]> {
    // TypeORM answers a DELETE as [rows returned, rows deleted].
    const [removed]: [Pick<Publication, 'slug'>[], number] = await manager.query(
      `DELETE FROM publications WHERE project_id = $1 RETURNING slug`,
      [projectId],
    );
    await manager.query(`DELETE FROM publication_files WHERE project_id = $1`, [projectId]);
    return removed.map((row) => row.slug);
  }

  async insertFiles(
    manager: EntityManager,
    projectId: string,
    buildId: string,
    files: Pick<PublicationFile, 'path' | 'content'>[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO publication_files (build_id, path, project_id, content)
       SELECT $1, path, $2, content FROM unnest($3::text[], $4::bytea[]) AS f(path, content)`,
      [buildId, projectId, files.map((file) => file.path), files.map((file) => file.content)],
    );
  }

  /** Deletes the project's files of builds other than `buildId`. */
  async removeOtherBuilds(
    manager: EntityManager,
    projectId: string,
    buildId: string,
  ): Promise<void> {
    await manager.query(`DELETE FROM publication_files WHERE project_id = $1 AND build_id <> $2`, [
      projectId,
      buildId,
    ]);
  }

  /** The project's live build's server part, or null (not published, or no server part). */
  async serverPart(projectId: string): Promise<PublishedServerRow | null> {
    const rows: PublishedServerRow[] = await this.dataSource.query(
      `SELECT build_id, server_bundle FROM publications
       WHERE project_id = $1 AND server_bundle IS NOT NULL`,
      [projectId],
    );
    return rows[0] ?? null;
  }

  /** Notes that the project's server part was asked for now (it is not idle). */
  async markServerUsed(projectId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE publications SET server_used_at = now() WHERE project_id = $1`,
      [projectId],
    );
  }

  /**
   * Of `projectIds` (server parts running), those nobody asked for within `idleMs`: the
   * publication's server part was last asked for before that, or it has none any more
   * (unpublished, or republished without one). The database's clock decides.
   */
  async idleServers(projectIds: string[], idleMs: number): Promise<string[]> {
    if (projectIds.length === 0) {
      return [];
    }
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM unnest($1::uuid[]) AS ids(id)
       WHERE NOT EXISTS (
         SELECT 1 FROM publications p
         WHERE p.project_id = ids.id AND p.server_bundle IS NOT NULL
           AND p.server_used_at > now() - make_interval(secs => $2::double precision / 1000)
       )`,
      [projectIds, idleMs],
    );
    return rows.map((row) => row.id);
  }

  files(buildId: string): Promise<Pick<PublicationFile, 'path' | 'content'>[]> {
    return this.dataSource.query(
      `SELECT path, content FROM publication_files WHERE build_id = $1`,
      [buildId],
    );
  }
}
