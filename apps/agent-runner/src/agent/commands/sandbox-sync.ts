import { Injectable, Logger } from '@nestjs/common';
import { type SandboxFile } from '@forge/sandbox';
import { EventHub } from '../../events/event-hub';
import { deleteSandboxFiles, writeSandboxFiles } from '../../sandbox/sandbox-batches';
import { SandboxSessions } from '../../sandbox/sandbox-sessions';

/** The manifest whose change, by an edit or a rollback, means an install in the sandbox. */
export const PACKAGE_JSON = 'package.json';

/**
 * Brings a user's saved change (an edit, a rollback) into the project's sandbox, where the dev
 * server hot-reloads it. The save stands whatever the sandbox does: failures are reported.
 */
@Injectable()
export class SandboxSync {
  private readonly logger = new Logger(SandboxSync.name);

  constructor(
    private readonly sandboxes: SandboxSessions,
    private readonly hub: EventHub,
  ) {}

  /** Writes into the project's sandbox; a sandbox that fails is reported, the save stands. */
  async write(projectId: string, files: SandboxFile[], deleted: string[] = []): Promise<void> {
    try {
      const sandbox = await this.sandboxes.open(projectId);
      if (!sandbox) {
        return;
      }
      const left = await writeSandboxFiles(sandbox, files);
      await deleteSandboxFiles(sandbox, deleted);
      if (left.length) {
        await this.hub.emit(projectId, {
          type: 'log',
          stream: 'system',
          text: `Saved, but the preview runs without ${left.map((file) => `${file.path} (${file.reason})`).join('; ')}`,
        });
      }
    } catch (error) {
      this.logger.warn(`project ${projectId}: sandbox write failed: ${(error as Error).message}`);
      await this.hub.emit(projectId, {
        type: 'log',
        stream: 'system',
        text: `Saved, but the preview could not be updated: ${(error as Error).message}`,
      });
    }
  }

  /**
   * After an edit or a rollback changed package.json: installs what it lists in the sandbox, so
   * the preview finds the packages (the agent installs its own after each phase). A failed
   * install is reported; the saved file stands.
   */
  async installPackageJson(projectId: string): Promise<void> {
    const report = (text: string) =>
      this.hub.emit(projectId, { type: 'log', stream: 'system', text });
    try {
      const sandbox = await this.sandboxes.open(projectId);
      if (!sandbox) {
        return;
      }
      await report('package.json changed: installing its dependencies.');
      const result = await sandbox.install();
      if (result.output) {
        await this.hub.emit(projectId, { type: 'log', stream: 'install', text: result.output });
      }
      if (!result.ok) {
        await report(
          `Saved, but installing the dependencies of package.json failed (exit ${result.exitCode}): the preview may not find them.`,
        );
      }
    } catch (error) {
      this.logger.warn(
        `project ${projectId}: install after package.json failed: ${(error as Error).message}`,
      );
      await report(
        `Saved, but the dependencies of package.json could not be installed: ${(error as Error).message}`,
      );
    }
  }
}
