import { type UnsequencedEvent } from '@forge/protocol';
import { type Sandbox } from '@forge/sandbox';
import { type AgentSnapshotRow, type AgentStore } from './agent-store';
import { type ImplementationSink } from './phase-implementer';

/** The file being streamed right now, for snapshots of a generation in progress. */
export interface StreamingFile {
  path: string;
  content: string;
}

/** What the sink needs of the agent it works for: its state row and its event stream. */
export interface SinkOwner {
  readonly runnerId: string;
  readonly store: AgentStore;
  row: AgentSnapshotRow;
  streaming: StreamingFile | null;
  emit(event: UnsequencedEvent): Promise<void>;
}

/**
 * Persists, writes to the sandbox and announces what one phase's code stream produces, in that
 * order: a file is announced closed only once it is saved, so a runner that dies leaves nothing
 * a client has seen that the database has not.
 */
export function createImplementationSink(
  owner: SinkOwner,
  phase: number,
  sandbox: Sandbox | null,
): ImplementationSink {
  return {
    fileStarted: async (path) => {
      owner.streaming = { path, content: '' };
      await owner.emit({ type: 'file_start', path, phase });
    },
    fileChunk: async (path, chunk) => {
      if (owner.streaming?.path === path) owner.streaming.content += chunk;
      await owner.emit({ type: 'file_chunk', path, chunk });
    },
    fileClosed: async (path, content) => {
      owner.streaming = null;
      owner.row = await owner.store.saveFile(owner.row, owner.runnerId, { path, content, phase });
      await sandbox?.writeFiles([{ path, content }]);
      await owner.emit({ type: 'file_end', path, content, phase });
    },
    fileDeleted: async (path) => {
      owner.row = await owner.store.deleteFile(owner.row, owner.runnerId, path);
      await sandbox?.deleteFiles([path]);
      await owner.emit({ type: 'file_deleted', path, phase });
    },
    problem: async (code, message) => {
      await owner.emit({ type: 'error', code, message, phase, fatal: false });
    },
    restarting: async (message) => {
      owner.streaming = null;
      await owner.emit({ type: 'log', stream: 'system', text: message });
    },
  };
}
