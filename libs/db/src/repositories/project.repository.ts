import { type DataSource, type EntityManager } from 'typeorm';
import { Project } from '../entities';

/** A project as listed: its agent's state, usage and thumbnail time joined in. */
export interface ProjectRow {
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
  thumbnail_at: Date | null;
  sort_key: string;
}

export type ProjectOrder = 'created' | 'recent' | 'name';

/** Last activity: a rename or title (the project row), or the agent's last step. */
const ACTIVE_AT = 'GREATEST(p.updated_at, COALESCE(s.updated_at, p.updated_at))';

/** Each order's key (as text for the cursor), its SQL type, and its direction. */
const ORDERS: Record<ProjectOrder, { key: string; cast: string; direction: 'ASC' | 'DESC' }> = {
  created: { key: 'p.created_at', cast: 'timestamptz', direction: 'DESC' },
  recent: { key: ACTIVE_AT, cast: 'timestamptz', direction: 'DESC' },
  name: { key: 'lower(p.name)', cast: 'text', direction: 'ASC' },
};

/** Whether the order's cursor key is a time (else text). */
export function projectOrderByTime(order: ProjectOrder): boolean {
  return ORDERS[order].cast === 'timestamptz';
}

function selectProject(sort: ProjectOrder): string {
  return `
  SELECT p.id, p.name, p.description, s.state, p.created_at, p.updated_at,
    t.taken_at AS thumbnail_at, (${ORDERS[sort].key})::text AS sort_key,
    s.error IS NOT NULL AND s.error <> 'null'::jsonb AS failed,
    (SELECT ph->>'status' FROM jsonb_array_elements(s.phases) ph
      ORDER BY (ph->>'number')::int DESC LIMIT 1) AS latest_phase_status,
    s.current_phase > coalesce((SELECT max((ph->>'number')::int) FROM jsonb_array_elements(s.phases) ph), 0)
      AS stopped_designing,
    u.prompt_tokens, u.completion_tokens, u.cost_usd, u.calls
  FROM projects p
  LEFT JOIN agent_states s ON s.project_id = p.id
  LEFT JOIN project_thumbnails t ON t.project_id = p.id
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
      coalesce(sum(completion_tokens), 0) AS completion_tokens,
      sum(cost_usd) AS cost_usd, count(*) AS calls
    FROM llm_usage WHERE project_id = p.id) u`;
}

/** `text` as a LIKE pattern that matches it anywhere, its own % and _ taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What a page of the owner's projects is asked for. */
export interface ProjectPageQuery {
  sort: ProjectOrder;
  /** Rows to answer at most. */
  limit: number;
  /** Only projects whose name contains it. */
  search?: string;
  /** Only projects after this one in the order (keyset paging). */
  after?: { key: string; id: string };
}

/** The projects table, and the project views that join the agent state and usage. */
export class ProjectRepository {
  constructor(private readonly dataSource: DataSource) {}

  page(ownerId: string, query: ProjectPageQuery): Promise<ProjectRow[]> {
    const order = ORDERS[query.sort];
    const params: unknown[] = [ownerId, query.limit];
    const where = ['p.owner_id = $1'];
    if (query.search) {
      params.push(containsPattern(query.search));
      where.push(`p.name ILIKE $${params.length}`);
    }
    if (query.after) {
      params.push(query.after.key, query.after.id);
      const [key, id] = [params.length - 1, params.length];
      const compare = order.direction === 'DESC' ? '<' : '>';
      where.push(`((${order.key}), p.id) ${compare} ($${key}::${order.cast}, $${id}::uuid)`);
    }
    return this.dataSource.query(
      `${selectProject(query.sort)} WHERE ${where.join(' AND ')}
       ORDER BY (${order.key}) ${order.direction}, p.id ${order.direction} LIMIT $2`,
      params,
    );
  }

  async view(ownerId: string, id: string): Promise<ProjectRow | null> {
    const rows: ProjectRow[] = await this.dataSource.query(
      `${selectProject('created')} WHERE p.id = $1 AND p.owner_id = $2`,
      [id, ownerId],
    );
    return rows[0] ?? null;
  }

  /** Creates the project row (inside the transaction that also starts its state row). */
  async create(
    manager: EntityManager,
    project: Pick<Project, 'ownerId' | 'name' | 'description'>,
  ): Promise<string> {
    const saved = await manager.save(manager.create(Project, project));
    return saved.id;
  }

  /** Creates the project row by SQL (a remix, inside its transaction). */
  async insert(
    manager: EntityManager,
    project: Pick<Project, 'ownerId' | 'name' | 'description'>,
  ): Promise<string> {
    const [created]: Pick<Project, 'id'>[] = await manager.query(
      `INSERT INTO projects (owner_id, name, description) VALUES ($1, $2, $3) RETURNING id`,
      [project.ownerId, project.name, project.description],
    );
    return created!.id;
  }

  isOwned(ownerId: string, id: string): Promise<boolean> {
    return this.dataSource.getRepository(Project).exists({ where: { id, ownerId } });
  }

  /**
   * Locks the owner's project row inside `manager`'s transaction: FOR UPDATE keeps out other
   * writers of its children, FOR SHARE only its deletion. False when there is no such project.
   */
  async lockOwned(
    manager: EntityManager,
    ownerId: string,
    id: string,
    mode: 'FOR UPDATE' | 'FOR SHARE',
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM projects WHERE id = $1 AND owner_id = $2 ${mode}`,
      [id, ownerId],
    );
    return rows.length > 0;
  }

  async rename(ownerId: string, id: string, name: string): Promise<void> {
    await this.dataSource.getRepository(Project).update({ id, ownerId }, { name, renamed: true });
  }

  /** True when a project was deleted. */
  async remove(ownerId: string, id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(Project).delete({ id, ownerId });
    return Boolean(result.affected);
  }

  /** The id of the project's owner, or null when there is no such project. */
  async ownerOf(projectId: string): Promise<string | null> {
    const rows: { owner_id: string }[] = await this.dataSource.query(
      `SELECT owner_id FROM projects WHERE id = $1`,
      [projectId],
    );
    return rows[0]?.owner_id ?? null;
  }

  /** Names the project `title` unless its owner renamed it; true when the name changed. */
  async proposeTitle(projectId: string, title: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE projects SET name = $2, updated_at = now()
        WHERE id = $1 AND NOT renamed AND name <> $2`,
      [projectId, title],
    );
    return result[1] > 0;
  }

  /** Those of `ids` that are projects (ids compared as text: any string may be asked). */
  async existing(ids: string[]): Promise<Set<string>> {
    const rows: Pick<Project, 'id'>[] = await this.dataSource.query(
      `SELECT id::text AS id FROM projects WHERE id::text = ANY($1::text[])`,
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }
}
