import { Injectable } from '@nestjs/common';
import { EventHub } from '../../events/event-hub';
import { AgentStore } from '../agent-store';
import { type RecordedVersion, versionCreatedEvent } from '../project-history';

/** What a command tells the project's viewers: a chat entry, a new version. */
@Injectable()
export class ProjectNotes {
  constructor(
    private readonly store: AgentStore,
    private readonly hub: EventHub,
  ) {}

  /** A short entry in the chat (an edit, a restore, a stop), saved so a reload shows it. */
  async note(projectId: string, content: string): Promise<void> {
    const message = await this.store.addMessage(projectId, 'system', content);
    await this.hub.emit(projectId, {
      type: 'message',
      id: message.id,
      role: 'system',
      content,
      createdAt: message.createdAt,
    });
  }

  async announceVersion(projectId: string, version: RecordedVersion): Promise<void> {
    const event = versionCreatedEvent(version);
    if (event) {
      await this.hub.emit(projectId, event);
    }
  }
}
