import { Inject, Injectable } from '@nestjs/common';
import { MessageRepository } from '@forge/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { DEFAULT_PAGE_SIZE, type Page, type PageQueryDto } from '../projects/dto/page-query.dto';
import { decodeCursor, encodeCursor } from '../projects/keyset-cursor';
import { ProjectError } from '../projects/project.error';
import { ProjectsService } from '../projects/projects.service';

export interface MessageDto {
  id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  createdAt: string;
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessageRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectsService,
  ) {}

  /**
   * The chat history: the latest `limit` messages in the order they were written; `nextCursor`
   * pages back to older ones.
   */
  async list(ownerId: string, projectId: string, query: PageQueryDto): Promise<Page<MessageDto>> {
    await this.projects.assertOwned(ownerId, projectId);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (limit > this.config.PROJECTS_PAGE_SIZE_MAX) {
      throw ProjectError.pageTooLarge(this.config.PROJECTS_PAGE_SIZE_MAX);
    }
    const position = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.messages.page(projectId, limit + 1, position);
    const page = rows.slice(0, limit);
    const oldest = page.at(-1);
    return {
      items: page.reverse().map((row) => ({
        id: row.id,
        role: row.role,
        content: row.content,
        createdAt: row.created_at.toISOString(),
      })),
      nextCursor:
        rows.length > limit && oldest
          ? encodeCursor({ createdAt: oldest.created_key, id: oldest.id })
          : null,
    };
  }
}
