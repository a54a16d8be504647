export * from './project-path';
export * from './package-spec';
export * from './agent/agent-state';
export * from './agent/chat-message';
export * from './agent/events';
export * from './agent/forge-task';
export * from './agent/phase-design';
export * from './socket';
