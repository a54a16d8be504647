// Everything, the docker and kubernetes clients included; the subpaths (./template, ./process,
// ./docker, ./kubernetes) load only their part.
export * from './core/sandbox';
export * from './core/sandbox-error';
export * from './core/page-modules';
export { INSTALL_OUTPUT_LINES } from './core/bun-install';
export { TOOL_BIN_DIR, TOOL_LIMITS } from './core/project-tools';
export { WORKSPACE_LIMITS } from './core/workspace-limits';
export { KeyedQueue } from './core/keyed-queue';
export * from './template';
export * from './container';
export * from './docker';
export * from './kubernetes';
export * from './process';
