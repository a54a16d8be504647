import { Inject, Injectable } from '@nestjs/common';
import { encodingOf, ErrorCode } from '@forge/protocol';
import { type SandboxFile } from '@forge/sandbox';
import { RUNNER_CONFIG, type RunnerConfig } from '../../config/runner-config';
import { EventHub } from '../../events/event-hub';
import { AgentCommandError } from '../agent-command-error';
import { ProjectActivity } from '../project-activity';
import { ProjectHistory } from '../project-history';
import { TemplateCatalog } from '../template-catalog';
import { ProjectNotes } from './project-notes';
import { PACKAGE_JSON, SandboxSync } from './sandbox-sync';

/**
 * Makes the project's files those of `version` again, in the database and the sandbox, as a
 * new version. Refused while a generation runs. Answers the new version.
 */
@Injectable()
export class Rollback {
  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly activity: ProjectActivity,
    private readonly history: ProjectHistory,
    private readonly templates: TemplateCatalog,
    private readonly sandbox: SandboxSync,
    private readonly notes: ProjectNotes,
    private readonly hub: EventHub,
  ) {}

  execute(projectId: string, version: number): Promise<number> {
    return this.activity.whileIdle(projectId, async (row) => {
      const phase = row.currentPhase;
      const restored = await this.history.restore(projectId, this.config.RUNNER_ID, version, phase);
      if (!restored) {
        throw new AgentCommandError(
          ErrorCode.VersionNotFound,
          `This project has no version ${version}.`,
        );
      }
      // A path the version lacks goes away, unless the starter has it: a starter file edited
      // after that version (package.json, say) is the starter's again, as a new sandbox has it.
      const starter = new Map((await this.templates.list()).map((file) => [file.path, file]));
      const writes: SandboxFile[] = [];
      const deletes: string[] = [];
      for (const file of restored.changed) {
        const write =
          file.content !== null ? { ...file, content: file.content } : starter.get(file.path);
        if (write) {
          writes.push(write);
        } else {
          deletes.push(file.path);
        }
      }
      await this.sandbox.write(projectId, writes, deletes);
      for (const file of restored.changed) {
        await this.hub.emit(
          projectId,
          file.content === null
            ? { type: 'file_deleted', path: file.path, phase }
            : {
                type: 'file_end',
                path: file.path,
                content: file.content,
                phase,
                ...encodingOf(file.encoding),
              },
        );
      }
      await this.notes.announceVersion(projectId, restored.version);
      const changed = restored.changed.length;
      await this.notes.note(
        projectId,
        `Restored version ${version} (${changed} file${changed === 1 ? '' : 's'} changed), saved as version ${restored.version.number}.`,
      );
      if (restored.changed.some((file) => file.path === PACKAGE_JSON)) {
        await this.sandbox.installPackageJson(projectId);
      }
      return restored.version.number;
    });
  }
}
