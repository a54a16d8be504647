import { type DataSource } from 'typeorm';

/** A project's picture, if it has one, with the project's owner. */
export interface ProjectThumbnailRow {
  media_type: string | null;
  image: Buffer | null;
  owner_id: string;
}

/** The projects' preview pictures (project_thumbnails). */
export class ProjectThumbnailRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The owner's project's thumbnail; null when the owner has no such project. */
  async findOwned(ownerId: string, id: string): Promise<ProjectThumbnailRow | null> {
    const rows: ProjectThumbnailRow[] = await this.dataSource.query(
      `SELECT t.media_type, t.image, p.owner_id FROM projects p
       LEFT JOIN project_thumbnails t ON t.project_id = p.id
       WHERE p.id = $1 AND p.owner_id = $2`,
      [id, ownerId],
    );
    return rows[0] ?? null;
  }

  /**
   * Keeps `image` as the picture of the project's version `version`, unless a later version's
   * is kept already. A project deleted meanwhile has no row to refer to: nothing is inserted.
   */
  async save(projectId: string, version: number, image: Buffer): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO project_thumbnails (project_id, version_number, media_type, image, taken_at)
       SELECT p.id, $2, 'image/png', $3, now() FROM projects p WHERE p.id = $1
       ON CONFLICT (project_id) DO UPDATE
         SET version_number = EXCLUDED.version_number, media_type = EXCLUDED.media_type,
             image = EXCLUDED.image, taken_at = EXCLUDED.taken_at
         WHERE project_thumbnails.version_number <= EXCLUDED.version_number`,
      [projectId, version, image],
    );
  }
}
