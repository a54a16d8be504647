export * from './agent-state.entity';
export * from './conversation-message.entity';
export * from './generated-file.entity';
export * from './llm-usage.entity';
export * from './project.entity';
export * from './version.entity';
export * from './git-remote.entity';
