import { type DataSource } from 'typeorm';
import {
  AgentStateRepository,
  GeneratedFileRepository,
  MessageRepository,
  ProjectRepository,
  VersionRepository,
} from '@forge/db';
import { AgentStore } from '../agent/agent-store';

/** An AgentStore on `dataSource`, for a test without the Nest app. */
export function agentStoreOn(dataSource: DataSource): AgentStore {
  return new AgentStore(
    new AgentStateRepository(dataSource),
    new GeneratedFileRepository(dataSource),
    new VersionRepository(dataSource),
    new ProjectRepository(dataSource),
    new MessageRepository(dataSource),
  );
}
