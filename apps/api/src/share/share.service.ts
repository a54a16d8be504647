import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import {
  AgentStateRepository,
  GeneratedFileRepository,
  ProjectRepository,
  ShareLinkRepository,
  type SharedProjectRow,
  VersionRepository,
} from '@forge/db';
import { type VersionSummary } from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type ProjectDto } from '../projects/dto/project.dto';
import { PROJECT_NAME_LIMITS } from '../projects/dto/project-name';
import { ProjectsService } from '../projects/projects.service';
import { PublishService } from '../publish/publish.service';
import { type SharedProjectDto, type ShareLinkDto } from './dto/share.dto';
import { ShareError } from './share.error';

/** Tokens are 32 random bytes in base64url: 43 characters, never guessed. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

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
    private readonly links: ShareLinkRepository,
    private readonly projectRows: ProjectRepository,
    private readonly states: AgentStateRepository,
    private readonly versions: VersionRepository,
    private readonly generatedFiles: GeneratedFileRepository,
  ) {}

  async list(userId: string, projectId: string): Promise<ShareLinkDto[]> {
    await this.projects.assertOwned(userId, projectId);
    const rows = await this.links.list(projectId);
    return rows.map((row) => this.toDto(row.token, row.created_at));
  }

  async create(userId: string, projectId: string): Promise<ShareLinkDto> {
    const token = randomBytes(32).toString('base64url');
    const created = await this.dataSource.transaction(async (manager) => {
      // The project row locked: two creates cannot both pass the count.
      const owned = await this.projectRows.lockOwned(manager, userId, projectId, 'FOR UPDATE');
      if (!owned) {
        await this.projects.assertOwned(userId, projectId);
      }
      const count = await this.links.count(manager, projectId);
      if (count >= this.config.SHARE_LINKS_MAX) {
        throw ShareError.tooMany(this.config.SHARE_LINKS_MAX);
      }
      return this.links.create(manager, token, projectId);
    });
    return this.toDto(token, created);
  }

  /** Closes the link: from now on it answers 404, and no remix through it starts. */
  async revoke(userId: string, projectId: string, token: string): Promise<void> {
    await this.projects.assertOwned(userId, projectId);
    if (!(await this.links.remove(projectId, token))) {
      throw ShareError.notFound();
    }
  }

  /** The shared project at `version` (the latest by default), read-only. */
  async view(token: string, version?: number): Promise<SharedProjectDto> {
    const shared = await this.shared(token);
    const rows = await this.versions.summaries(shared.project_id);
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
      const found = await this.versions.files(shared.project_id, shown);
      if (!found) {
        throw ShareError.versionNotFound(shown);
      }
      files = found;
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
    if (!TOKEN.test(token)) {
      throw ShareError.notFound();
    }
    const id = await this.dataSource.transaction(async (manager) => {
      const shared = await this.links.holdShared(manager, token);
      if (!shared) {
        throw ShareError.notFound();
      }
      const latest = await this.versions.latestNumber(shared.project_id, manager);
      const upTo = version ?? latest;
      if (
        version !== undefined &&
        !(await this.versions.exists(shared.project_id, version, manager))
      ) {
        throw ShareError.versionNotFound(version);
      }
      const projectId = await this.projectRows.insert(manager, {
        ownerId: userId,
        name: remixName(shared.name),
        description: shared.description,
      });
      if (upTo === null) {
        await this.states.create(manager, projectId);
        return projectId;
      }
      await this.states.createRemix(manager, projectId, shared.project_id, upTo);
      await this.versions.copy(manager, projectId, shared.project_id, upTo);
      await this.generatedFiles.copyFromVersion(manager, projectId, shared.project_id, upTo);
      return projectId;
    });
    return this.projects.get(userId, id);
  }

  private async shared(token: string): Promise<SharedProjectRow> {
    if (!TOKEN.test(token)) {
      throw ShareError.notFound();
    }
    const row = await this.links.shared(token);
    if (!row) {
      throw ShareError.notFound();
    }
    return row;
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
