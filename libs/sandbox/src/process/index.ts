export {
  prepareTemplate,
  PREPARED_MARKER,
  type PreparedTemplate,
  type PrepareTemplateOptions,
} from './workspace/prepare-template';
export { createWorkspace } from './workspace/create-workspace';
export { ProcessSandboxProvider } from './process-sandbox.provider';
export { ProcessSandbox } from './process-sandbox';
export { ProcessAppServers } from './process-app-servers';
export {
  PROCESS_SANDBOX_DEFAULTS,
  processSandboxConfig,
  type ProcessSandboxOptions,
  type ProcessSandboxConfig,
} from './process-sandbox.config';
export type { PortRange } from './port-allocator';
export {
  ProcessIsolation,
  type IsolationStatus,
  type ProcessIsolationMode,
  type ProcessIsolationOptions,
} from './process-isolation';
