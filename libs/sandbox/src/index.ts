export * from './sandbox';
export * from './docker';
export * from './kubernetes';
export {
  listTemplateFiles,
  TEMPLATE_DIR,
  TEMPLATE_LOCKFILE,
  type ListTemplateFilesOptions,
} from './workspace/template';
export {
  prepareTemplate,
  PREPARED_MARKER,
  type PreparedTemplate,
  type PrepareTemplateOptions,
} from './workspace/prepare-template';
export { createWorkspace } from './workspace/create-workspace';
export { TOOL_BIN_DIR, TOOL_LIMITS } from './workspace/project-tools';
export { WORKSPACE_LIMITS } from './docker/workspace-limits';
export { ProcessSandboxProvider } from './process/process-sandbox.provider';
export { ProcessSandbox } from './process/process-sandbox';
export {
  PROCESS_SANDBOX_DEFAULTS,
  processSandboxConfig,
  type ProcessSandboxOptions,
  type ProcessSandboxConfig,
} from './process/process-sandbox.config';
export type { PortRange } from './process/port-allocator';
export {
  ProcessIsolation,
  type IsolationStatus,
  type ProcessIsolationMode,
  type ProcessIsolationOptions,
} from './process/process-isolation';
