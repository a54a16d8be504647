import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AgentStateRow, Project } from '@forge/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type CreateProjectDto } from './dto/create-project.dto';
import { DEFAULT_PAGE_SIZE, type Page, type PageQueryDto } from './dto/page-query.dto';
import { type ProjectDto } from './dto/project.dto';
import { decodeCursor, encodeCursor, isUuid } from './keyset-cursor';
import { ProjectError } from './project.error';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  state: string | null;
  failed: boolean | null;
  latest_phase_status: string | null;
  stopped_designing: boolean | null;
  prompt_tokens: string;
  completion_tokens: string;
  cost_usd: string | null;
  calls: string;
  created_at: Date;
  updated_at: Date;
  created_key: string;
}

const SELECT_PROJECT = `
  SELECT p.id, p.name, p.description, s.state, p.created_at, p.updated_at, p.created_at::text AS created_key,
    s.error IS NOT NULL AND s.error <> 'null'::jsonb AS failed,
    (SELECT ph->>'status' FROM jsonb_array_elements(s.phases) ph
      ORDER BY (ph->>'number')::int DESC LIMIT 1) AS latest_phase_status,
    s.current_phase > coalesce((SELECT max((ph->>'number')::int) FROM jsonb_array_elements(s.phases) ph), 0)
      AS stopped_designing,
    u.prompt_tokens, u.completion_tokens, u.cost_usd, u.calls
  FROM projects p LEFT JOIN agent_states s ON s.project_id = p.id
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
      coalesce(sum(completion_tokens), 0) AS completion_tokens,
      sum(cost_usd) AS cost_usd, count(*) AS calls
    FROM llm_usage WHERE project_id = p.id) u`;

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
  if (state !== 'IDLE') return state;
  if (row.failed) return 'FAILED';
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
  };
}

@Injectable()
export class ProjectsService {
  private readonly removedListeners = new Set<(projectId: string) => void>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async create(ownerId: string, dto: CreateProjectDto): Promise<ProjectDto> {
    const id = await this.dataSource.transaction(async (manager) => {
      const project = await manager.save(
        manager.create(Project, { ownerId, name: dto.name, description: dto.description ?? '' }),
      );
      await manager.insert(AgentStateRow, { projectId: project.id });
      return project.id;
    });
    return this.get(ownerId, id);
  }

  /** The owner's projects, newest first. */
  async list(ownerId: string, query: PageQueryDto): Promise<Page<ProjectDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (limit > this.config.PROJECTS_PAGE_SIZE_MAX) {
      throw ProjectError.pageTooLarge(this.config.PROJECTS_PAGE_SIZE_MAX);
    }
    const params: unknown[] = [ownerId, limit + 1];
    let after = '';
    if (query.cursor) {
      const position = decodeCursor(query.cursor);
      params.push(position.createdAt, position.id);
      after = 'AND (p.created_at, p.id) < ($3::timestamptz, $4::uuid)';
    }
    const rows: ProjectRow[] = await this.dataSource.query(
      `${SELECT_PROJECT} WHERE p.owner_id = $1 ${after}
       ORDER BY p.created_at DESC, p.id DESC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toDto),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.created_key, id: last.id })
          : null,
    };
  }

  async get(ownerId: string, id: string): Promise<ProjectDto> {
    if (!isUuid(id)) throw ProjectError.notFound();
    const rows: ProjectRow[] = await this.dataSource.query(
      `${SELECT_PROJECT} WHERE p.id = $1 AND p.owner_id = $2`,
      [id, ownerId],
    );
    if (rows.length === 0) throw ProjectError.notFound();
    return toDto(rows[0]!);
  }

  /** Throws PROJECT_NOT_FOUND unless the project exists and belongs to the user. */
  async assertOwned(ownerId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw ProjectError.notFound();
    const found = await this.dataSource.getRepository(Project).exists({ where: { id, ownerId } });
    if (!found) throw ProjectError.notFound();
  }

  async rename(ownerId: string, id: string, name: string): Promise<ProjectDto> {
    await this.assertOwned(ownerId, id);
    await this.dataSource.getRepository(Project).update({ id, ownerId }, { name });
    return this.get(ownerId, id);
  }

  /** Files, messages, state and versions go with it (ON DELETE CASCADE). */
  async remove(ownerId: string, id: string): Promise<void> {
    if (!isUuid(id)) throw ProjectError.notFound();
    const result = await this.dataSource.getRepository(Project).delete({ id, ownerId });
    if (!result.affected) throw ProjectError.notFound();
    for (const listener of this.removedListeners) listener(id);
  }

  /** Hears every project this replica deletes (the live gateway closes its sockets' feeds). */
  onRemoved(listener: (projectId: string) => void): void {
    this.removedListeners.add(listener);
  }
}
