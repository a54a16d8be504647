import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import {
  AgentStateRepository,
  ProjectRepository,
  projectOrderByTime,
  type ProjectRow,
  ProjectThumbnailRepository,
} from '@forge/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type CreateProjectDto } from './dto/create-project.dto';
import { DEFAULT_PAGE_SIZE, type Page, type ProjectListQueryDto } from './dto/page-query.dto';
import { type ProjectDto } from './dto/project.dto';
import { decodeSortedCursor, encodeSortedCursor, isUuid } from './keyset-cursor';
import { ProjectError } from './project.error';

/**
 * The state a project shows: the agent's while it works; once idle, FAILED when an error is
 * kept, STOPPED when its latest phase never finished or the next was being designed (a
 * stop), else IDLE — the words the
 * workspace's header uses (apps/web workspace-status.ts).
 */
export function projectStateKey(row: {
  state: string | null;
  failed: boolean | null;
  latest_phase_status: string | null;
  stopped_designing: boolean | null;
}): string {
  const state = row.state ?? 'IDLE';
  if (state !== 'IDLE') {
    return state;
  }
  if (row.failed) {
    return 'FAILED';
  }
  const unfinished = row.latest_phase_status !== null && row.latest_phase_status !== 'done';
  // A stop while a phase was designed: the request moved current_phase past the recorded ones.
  return unfinished || row.stopped_designing ? 'STOPPED' : 'IDLE';
}

function toDto(row: ProjectRow): ProjectDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    state: projectStateKey(row),
    usage: {
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
      costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
      calls: Number(row.calls),
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    thumbnailAt: row.thumbnail_at ? row.thumbnail_at.toISOString() : null,
  };
}

@Injectable()
export class ProjectsService {
  private readonly removedListeners = new Set<(projectId: string) => void>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectRepository,
    private readonly states: AgentStateRepository,
    private readonly thumbnails: ProjectThumbnailRepository,
  ) {}

  async create(ownerId: string, dto: CreateProjectDto): Promise<ProjectDto> {
    const id = await this.dataSource.transaction(async (manager) => {
      const projectId = await this.projects.create(manager, {
        ownerId,
        name: dto.name,
        description: dto.description ?? '',
      });
      await this.states.create(manager, projectId);
      return projectId;
    });
    return this.get(ownerId, id);
  }

  /** The owner's projects in the asked order (newest first by default), searched by name. */
  async list(ownerId: string, query: ProjectListQueryDto): Promise<Page<ProjectDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (limit > this.config.PROJECTS_PAGE_SIZE_MAX) {
      throw ProjectError.pageTooLarge(this.config.PROJECTS_PAGE_SIZE_MAX);
    }
    const sort = query.sort ?? 'created';
    const search = query.q?.trim();
    const position = query.cursor
      ? decodeSortedCursor(query.cursor, sort, projectOrderByTime(sort))
      : undefined;
    const rows = await this.projects.page(ownerId, {
      sort,
      limit: limit + 1,
      ...(search ? { search } : {}),
      ...(position ? { after: { key: position.key, id: position.id } } : {}),
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toDto),
      nextCursor:
        rows.length > limit && last
          ? encodeSortedCursor({ sort, key: last.sort_key, id: last.id })
          : null,
    };
  }

  async get(ownerId: string, id: string): Promise<ProjectDto> {
    if (!isUuid(id)) {
      throw ProjectError.notFound();
    }
    const row = await this.projects.view(ownerId, id);
    if (!row) {
      throw ProjectError.notFound();
    }
    return toDto(row);
  }

  /** Throws PROJECT_NOT_FOUND unless the project exists and belongs to the user. */
  async assertOwned(ownerId: string, id: string): Promise<void> {
    if (!isUuid(id)) {
      throw ProjectError.notFound();
    }
    if (!(await this.projects.isOwned(ownerId, id))) {
      throw ProjectError.notFound();
    }
  }

  async rename(ownerId: string, id: string, name: string): Promise<ProjectDto> {
    await this.assertOwned(ownerId, id);
    await this.projects.rename(ownerId, id, name);
    return this.get(ownerId, id);
  }

  /** The latest picture of the project's preview; not found for another user's project. */
  async thumbnail(ownerId: string, id: string): Promise<{ mediaType: string; image: Buffer }> {
    if (!isUuid(id)) {
      throw ProjectError.notFound();
    }
    const row = await this.thumbnails.findOwned(ownerId, id);
    if (!row) {
      throw ProjectError.notFound();
    }
    if (!row.image || row.media_type === null) {
      throw ProjectError.noThumbnail();
    }
    return { mediaType: row.media_type, image: row.image };
  }

  /** Files, messages, state and versions go with it (ON DELETE CASCADE). */
  async remove(ownerId: string, id: string): Promise<void> {
    if (!isUuid(id)) {
      throw ProjectError.notFound();
    }
    if (!(await this.projects.remove(ownerId, id))) {
      throw ProjectError.notFound();
    }
    for (const listener of this.removedListeners) {
      listener(id);
    }
  }

  /** Hears every project this replica deletes (the live gateway closes its sockets' feeds). */
  onRemoved(listener: (projectId: string) => void): void {
    this.removedListeners.add(listener);
  }
}
