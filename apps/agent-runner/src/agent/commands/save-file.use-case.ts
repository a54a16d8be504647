import { Inject, Injectable } from '@nestjs/common';
import { checkProjectPath, ErrorCode } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../../config/runner-config';
import { EventHub } from '../../events/event-hub';
import { AgentCommandError } from '../agent-command-error';
import { ProjectActivity } from '../project-activity';
import { ProjectHistory } from '../project-history';
import { ProjectNotes } from './project-notes';
import { PACKAGE_JSON, SandboxSync } from './sandbox-sync';

/**
 * Saves a user's edit of one file: to the database with a version, then to the sandbox (where
 * the dev server hot-reloads it). Refused while a generation runs. Answers the version.
 */
@Injectable()
export class SaveFile {
  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly activity: ProjectActivity,
    private readonly history: ProjectHistory,
    private readonly sandbox: SandboxSync,
    private readonly notes: ProjectNotes,
    private readonly hub: EventHub,
  ) {}

  async execute(projectId: string, path: string, content: string): Promise<number> {
    const problem = checkProjectPath(path);
    if (problem) {
      throw new AgentCommandError(
        ErrorCode.InvalidPath,
        `Cannot save ${JSON.stringify(path.slice(0, 200))}: ${problem.message}.`,
      );
    }
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > this.config.EDIT_FILE_MAX_BYTES) {
      throw new AgentCommandError(
        ErrorCode.FileTooLarge,
        `${path} is ${bytes} bytes; the largest file the editor may save (EDIT_FILE_MAX_BYTES) is ${this.config.EDIT_FILE_MAX_BYTES}.`,
      );
    }
    return this.activity.whileIdle(projectId, async (row) => {
      const phase = row.currentPhase;
      const version = await this.history.saveEdit(projectId, this.config.RUNNER_ID, {
        path,
        content,
        phase,
      });
      await this.sandbox.write(projectId, [{ path, content }]);
      await this.hub.emit(projectId, { type: 'file_end', path, content, phase });
      await this.notes.announceVersion(projectId, version);
      if (version.created) {
        await this.notes.note(projectId, `Edited ${path} (version ${version.number}).`);
      }
      if (path === PACKAGE_JSON) {
        await this.sandbox.installPackageJson(projectId);
      }
      return version.number;
    });
  }
}
