import { type DataSource } from 'typeorm';
import { AgentStateRepository } from './agent-state.repository';
import { AppDatabaseRepository } from './app-database.repository';
import { GeneratedFileRepository } from './generated-file.repository';
import { GitRemoteRepository } from './git-remote.repository';
import { LeaseRepository } from './lease.repository';
import { MessageRepository } from './message.repository';
import { PublicationRepository } from './publication.repository';
import { ShareLinkRepository } from './share-link.repository';
import { ProjectThumbnailRepository } from './project-thumbnail.repository';
import { ProjectRepository } from './project.repository';
import { SessionRepository } from './session.repository';
import { UsageRepository } from './usage.repository';
import { VersionRepository } from './version.repository';

export * from './agent-state.repository';
export * from './app-database.repository';
export * from './generated-file.repository';
export * from './git-remote.repository';
export * from './lease.repository';
export * from './message.repository';
export * from './project-thumbnail.repository';
export * from './project.repository';
export * from './publication.repository';
export * from './session.repository';
export * from './share-link.repository';
export * from './usage.repository';
export * from './version.repository';

/** Every repository, each built on the DataSource (what the Nest apps provide). */
export const REPOSITORIES: (new (dataSource: DataSource) => object)[] = [
  AgentStateRepository,
  AppDatabaseRepository,
  GeneratedFileRepository,
  GitRemoteRepository,
  LeaseRepository,
  MessageRepository,
  ProjectRepository,
  ProjectThumbnailRepository,
  PublicationRepository,
  SessionRepository,
  ShareLinkRepository,
  UsageRepository,
  VersionRepository,
];
