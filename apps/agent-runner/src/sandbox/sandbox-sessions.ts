import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Sandbox, type SandboxProvider } from '@forge/sandbox';
import { AgentStore } from '../agent/agent-store';
import { EventHub } from '../events/event-hub';
import { writeSandboxFiles } from './sandbox-batches';
import { SANDBOX_PROVIDER } from './sandbox.module';

/**
 * Opens projects' sandboxes for the agent and the preview alike. The first time this runner
 * opens one, every saved file is written into it: the sandbox may be new (another runner ran
 * the project before, or its workspace was wiped) while the database holds the app. Limits
 * apply to new writes only: what is stored is written in as many calls as the sandbox takes,
 * and a stored file no call can take is left out and named, never a reason not to open.
 */
@Injectable()
export class SandboxSessions {
  private readonly logger = new Logger(SandboxSessions.name);
  private readonly synced = new Map<string, Promise<Sandbox>>();

  constructor(
    @Inject(SANDBOX_PROVIDER) private readonly provider: SandboxProvider | null,
    private readonly store: AgentStore,
    private readonly hub: EventHub,
  ) {}

  /** Null when SANDBOX_PROVIDER=none. */
  async open(projectId: string): Promise<Sandbox | null> {
    if (!this.provider) return null;
    let opening = this.synced.get(projectId);
    if (!opening) {
      opening = this.sync(this.provider, projectId);
      this.synced.set(projectId, opening);
      opening.catch(() => this.synced.delete(projectId));
    }
    return opening;
  }

  /** Wakes the project's dev server (starting or restarting it) and says where it listens. */
  async devServerUrl(projectId: string): Promise<string | null> {
    const sandbox = await this.open(projectId);
    if (!sandbox) return null;
    return (await sandbox.startDevServer()).url;
  }

  private async sync(provider: SandboxProvider, projectId: string): Promise<Sandbox> {
    const sandbox = await provider.get(projectId);
    const files = await this.store.files(projectId);
    const left = await writeSandboxFiles(
      sandbox,
      [...files].map(([path, content]) => ({ path, content })),
    );
    if (left.length > 0) {
      const text = `The preview runs without ${left.length} saved file${left.length === 1 ? '' : 's'} the sandbox cannot take: ${left
        .slice(0, 5)
        .map((file) => `${file.path} (${file.reason})`)
        .join('; ')}${left.length > 5 ? '; …' : ''}`;
      this.logger.warn(`project ${projectId}: ${text}`);
      // Only a project whose events are numbered here has anyone to tell.
      if (this.hub.lastSeq(projectId) !== undefined)
        await this.hub.emit(projectId, { type: 'log', stream: 'system', text });
    }
    return sandbox;
  }
}
