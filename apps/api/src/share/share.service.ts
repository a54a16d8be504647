import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { type VersionReason, type VersionSummary } from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type ProjectDto } from '../projects/dto/project.dto';
import { PROJECT_NAME_LIMITS } from '../projects/dto/project-name';
import { ProjectsService } from '../projects/projects.service';
import { PublishService } from '../publish/publish.service';
import { type SharedProjectDto, type ShareLinkDto } from './dto/share.dto';
import { ShareError } from './share.error';

/** Tokens are 32 random bytes in base64url: 43 characters, never guessed. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

interface VersionRow {
  number: number;
  reason: VersionReason;
  label: string;
  created_at: Date;
  file_count: number;
}

interface SharedRow {
  project_id: string;
  name: string;
  description: string;
}

/**
 * Read-only share links and remixes. Anyone holding a link sees the project's code, versions
 * and its published app (unless private), signed in or not; remixing needs an account. A link
 * revoked, or a project deleted, answers 404 like a token never given out.
 */
@Injectable()
export class ShareService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectsService,
    private readonly publish: PublishService,
  ) {}

  async list(userId: string, projectId: string): Promise<ShareLinkDto[]> {
    await this.projects.assertOwned(userId, projectId);
    const rows: { token: string; created_at: Date }[] = await this.dataSource.query(
      `SELECT token, created_at FROM share_links WHERE project_id = $1 ORDER BY created_at, token`,
      [projectId],
    );
    return rows.map((row) => this.toDto(row.token, row.created_at));
  }

  async create(userId: string, projectId: string): Promise<ShareLinkDto> {
    const token = randomBytes(32).toString('base64url');
    const created = await this.dataSource.transaction(async (manager) => {
      // The project row locked: two creates cannot both pass the count.
      const owned: unknown[] = await manager.query(
        `SELECT 1 FROM projects WHERE id = $1 AND owner_id = $2 FOR UPDATE`,
        [projectId, userId],
      );
      if (owned.length === 0) await this.projects.assertOwned(userId, projectId);
      const [{ count }]: { count: number }[] = await manager.query(
        `SELECT count(*)::int AS count FROM share_links WHERE project_id = $1`,
        [projectId],
      );
      if (count >= this.config.SHARE_LINKS_MAX)
        throw ShareError.tooMany(this.config.SHARE_LINKS_MAX);
      const [row]: { created_at: Date }[] = await manager.query(
        `INSERT INTO share_links (token, project_id) VALUES ($1, $2) RETURNING created_at`,
        [token, projectId],
      );
      return row!.created_at;
    });
    return this.toDto(token, created);
  }

  /** Closes the link: from now on it answers 404, and no remix through it starts. */
  async revoke(userId: string, projectId: string, token: string): Promise<void> {
    await this.projects.assertOwned(userId, projectId);
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM share_links WHERE token = $1 AND project_id = $2`,
      [token, projectId],
    );
    if (result[1] === 0) throw ShareError.notFound();
  }

  /** The shared project at `version` (the latest by default), read-only. */
  async view(token: string, version?: number): Promise<SharedProjectDto> {
    const shared = await this.shared(token);
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT number, reason, label, created_at, jsonb_array_length(files) AS file_count
       FROM versions WHERE project_id = $1 ORDER BY number DESC`,
      [shared.project_id],
    );
    const versions: VersionSummary[] = rows.map((row) => ({
      number: row.number,
      reason: row.reason,
      label: row.label,
      createdAt: row.created_at.toISOString(),
      fileCount: row.file_count,
    }));
    const shown = version ?? versions[0]?.number ?? null;
    let files: { path: string; content: string }[] = [];
    if (shown !== null) {
      const found: { files: { path: string; content: string }[] }[] = await this.dataSource.query(
        `SELECT files FROM versions WHERE project_id = $1 AND number = $2`,
        [shared.project_id, shown],
      );
      if (!found[0]) throw ShareError.versionNotFound(shown);
      files = found[0].files;
    }
    return {
      name: shared.name,
      description: shared.description,
      versions,
      version: shown,
      files,
      app: await this.publish.sharedApp(shared.project_id),
    };
  }

  /**
   * Copies the shared project, its versions up to `version` (the latest by default) and that
   * version's files, into a new project of the user's. In one transaction that holds the link
   * row: a revoke waits for a remix under way, and a remix after a revoke finds no link.
   */
  async remix(userId: string, token: string, version?: number): Promise<ProjectDto> {
    if (!TOKEN.test(token)) throw ShareError.notFound();
    const id = await this.dataSource.transaction(async (manager) => {
      const rows: SharedRow[] = await manager.query(
        `SELECT s.project_id, p.name, p.description
         FROM share_links s JOIN projects p ON p.id = s.project_id
         WHERE s.token = $1 FOR SHARE OF s, p`,
        [token],
      );
      const shared = rows[0];
      if (!shared) throw ShareError.notFound();
      const [{ latest }]: { latest: number | null }[] = await manager.query(
        `SELECT max(number) AS latest FROM versions WHERE project_id = $1`,
        [shared.project_id],
      );
      const upTo = version ?? latest;
      if (version !== undefined) {
        const found: unknown[] = await manager.query(
          `SELECT 1 FROM versions WHERE project_id = $1 AND number = $2`,
          [shared.project_id, version],
        );
        if (found.length === 0) throw ShareError.versionNotFound(version);
      }
      const name = remixName(shared.name);
      const [created]: { id: string }[] = await manager.query(
        `INSERT INTO projects (owner_id, name, description) VALUES ($1, $2, $3) RETURNING id`,
        [userId, name, shared.description],
      );
      const projectId = created!.id;
      await manager.query(`INSERT INTO agent_states (project_id) VALUES ($1)`, [projectId]);
      if (upTo === null) return projectId;
      await manager.query(
        `INSERT INTO versions (project_id, number, reason, label, files, created_at)
         SELECT $1, number, reason, label, files, created_at FROM versions
         WHERE project_id = $2 AND number <= $3`,
        [projectId, shared.project_id, upTo],
      );
      await manager.query(
        `INSERT INTO generated_files (project_id, path, content)
         SELECT $1, f->>'path', f->>'content'
         FROM versions v, jsonb_array_elements(v.files) AS f
         WHERE v.project_id = $2 AND v.number = $3`,
        [projectId, shared.project_id, upTo],
      );
      return projectId;
    });
    return this.projects.get(userId, id);
  }

  private async shared(token: string): Promise<SharedRow> {
    if (!TOKEN.test(token)) throw ShareError.notFound();
    const rows: SharedRow[] = await this.dataSource.query(
      `SELECT s.project_id, p.name, p.description
       FROM share_links s JOIN projects p ON p.id = s.project_id WHERE s.token = $1`,
      [token],
    );
    if (!rows[0]) throw ShareError.notFound();
    return rows[0];
  }

  private toDto(token: string, createdAt: Date): ShareLinkDto {
    return {
      token,
      url: `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/s/${token}`,
      createdAt: createdAt.toISOString(),
    };
  }
}

/** "<name> (remix)", the name cut to fit the column. */
export function remixName(name: string): string {
  const suffix = ' (remix)';
  const kept = [...name].slice(0, PROJECT_NAME_LIMITS.max - suffix.length).join('');
  return `${kept}${suffix}`;
}
