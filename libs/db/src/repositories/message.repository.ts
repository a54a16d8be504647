import { type DataSource } from 'typeorm';
import { type ConversationMessage } from '../entities';

/** A chat message as the database answers it. */
export interface MessageRow {
  id: string;
  role: ConversationMessage['role'];
  content: string;
  created_at: Date;
}

/** A message of a page, with its time as PostgreSQL spells it (the page cursor's key). */
export interface MessagePageRow extends MessageRow {
  created_key: string;
}

/** The project's chat (conversation_messages). */
export class MessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async add(
    projectId: string,
    role: ConversationMessage['role'],
    content: string,
  ): Promise<Pick<MessageRow, 'id' | 'created_at'>> {
    const [row]: Pick<MessageRow, 'id' | 'created_at'>[] = await this.dataSource.query(
      `INSERT INTO conversation_messages (project_id, role, content) VALUES ($1, $2, $3) RETURNING id, created_at`,
      [projectId, role, content],
    );
    return row!;
  }

  /** The newest `limit` messages, newest first. */
  recent(projectId: string, limit: number): Promise<MessageRow[]> {
    return this.dataSource.query(
      `SELECT id, role, content, created_at FROM conversation_messages WHERE project_id = $1
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      [projectId, limit],
    );
  }

  /** Up to `limit` messages, newest first, older than `before` when given (keyset paging). */
  page(
    projectId: string,
    limit: number,
    before?: { createdAt: string; id: string },
  ): Promise<MessagePageRow[]> {
    const params: unknown[] = [projectId, limit];
    let older = '';
    if (before) {
      params.push(before.createdAt, before.id);
      older = 'AND (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    return this.dataSource.query(
      `SELECT id, role, content, created_at, created_at::text AS created_key FROM conversation_messages
       WHERE project_id = $1 ${older} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
  }
}
