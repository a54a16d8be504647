import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type AppServers,
  listTemplateFiles,
  type Sandbox,
  type SandboxProvider,
} from '@forge/sandbox';
import { AgentStore, textContents } from '../agent/agent-store';
import { PerOwnerQueue } from '../agent/per-owner-queue';
import { AppDatabases } from '../app-database/app-databases';
import { hasMigrations } from '../app-database/app-migrations';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { deleteSandboxFiles, writeSandboxFiles } from './sandbox-batches';
import { needsInstall } from './saved-manifest';
import { SANDBOX_PROVIDER } from './sandbox.module';

interface Use {
  ownerId: string;
  /** Grows with every open: the smallest is the least recently used. */
  lastUse: number;
}

/**
 * Opens projects' sandboxes for the agent and the preview alike. The first time this runner
 * opens one, every saved file is written into it: the sandbox may be new (another runner ran
 * the project before, or its workspace was wiped) while the database holds the app. Limits
 * apply to new writes only: what is stored is written in as many calls as the sandbox takes,
 * and a stored file no call can take is left out and named, never a reason not to open.
 *
 * When the saved package.json asks for other packages than the template's (an imported app, or
 * packages the agent added before this sandbox existed), they are installed before the sandbox
 * is handed out; a failed install is reported, the sandbox still opens.
 *
 * A user keeps at most SANDBOX_MAX_PER_USER sandboxes running on this runner: opening one more
 * puts the least recently used of the others to sleep (stopped; the next visit wakes it).
 */
@Injectable()
export class SandboxSessions {
  private readonly logger = new Logger(SandboxSessions.name);
  private readonly synced = new Map<string, Promise<Sandbox>>();
  private readonly uses = new Map<string, Use>();
  private readonly perOwner = new PerOwnerQueue();
  private useCount = 0;
  private templateManifest?: Promise<string | undefined>;

  constructor(
    @Inject(SANDBOX_PROVIDER) private readonly provider: SandboxProvider | null,
    private readonly store: AgentStore,
    private readonly hub: EventHub,
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly databases: AppDatabases,
  ) {}

  /** Null when SANDBOX_PROVIDER=none. */
  async open(projectId: string): Promise<Sandbox | null> {
    if (!this.provider) {
      return null;
    }
    let opening = this.synced.get(projectId);
    if (!opening) {
      opening = this.sync(this.provider, projectId);
      this.synced.set(projectId, opening);
      opening.catch(() => this.synced.delete(projectId));
    }
    const sandbox = await opening;
    await this.makeRoom(projectId);
    return sandbox;
  }

  /** Wakes the project's dev server (starting or restarting it) and says where it listens. */
  async devServerUrl(projectId: string): Promise<string | null> {
    const sandbox = await this.open(projectId);
    if (!sandbox) {
      return null;
    }
    return (await sandbox.startDevServer()).url;
  }

  /**
   * Removes the project's sandbox (workspace, dev server, container), made here or not, its
   * published server part, and its database with its role.
   */
  async destroy(projectId: string): Promise<void> {
    const opening = this.synced.get(projectId);
    this.synced.delete(projectId);
    this.uses.delete(projectId);
    await opening?.catch(() => undefined);
    await this.provider?.appServers?.stop(projectId);
    await this.provider?.destroy(projectId);
    await this.databases.drop(projectId);
  }

  /** Published apps' server parts, where the provider runs them. */
  get appServers(): AppServers | null {
    return this.provider?.appServers ?? null;
  }

  /** Projects that have a sandbox with the provider; none without one. */
  async projectIds(): Promise<string[]> {
    return this.provider ? this.provider.projectIds() : [];
  }

  /** Marks the project used now and stops its owner's least recently used sandboxes past the cap. */
  private async makeRoom(projectId: string): Promise<void> {
    let use = this.uses.get(projectId);
    if (!use) {
      const ownerId = await this.store.ownerOf(projectId);
      if (!ownerId) {
        return;
      }
      use = { ownerId, lastUse: 0 };
      this.uses.set(projectId, use);
    }
    use.lastUse = ++this.useCount;
    const { ownerId } = use;
    await this.perOwner.run(ownerId, async () => {
      const running: { projectId: string; sandbox: Sandbox; lastUse: number }[] = [];
      for (const [id, other] of this.uses) {
        if (id === projectId || other.ownerId !== ownerId) {
          continue;
        }
        const sandbox = await this.synced.get(id)?.catch(() => undefined);
        const status = await sandbox?.status();
        if (sandbox && (status === 'running' || status === 'starting')) {
          running.push({ projectId: id, sandbox, lastUse: other.lastUse });
        }
      }
      running.sort((a, b) => a.lastUse - b.lastUse);
      const max = this.config.SANDBOX_MAX_PER_USER;
      for (const oldest of running.slice(0, Math.max(0, running.length + 1 - max))) {
        this.logger.log(
          `stopping the sandbox of project ${oldest.projectId}: its owner opened another and may keep ${max} running (SANDBOX_MAX_PER_USER); the next visit wakes it`,
        );
        await oldest.sandbox.stop();
      }
    });
  }

  private async sync(provider: SandboxProvider, projectId: string): Promise<Sandbox> {
    const sandbox = await provider.get(projectId);
    const files = await this.store.files(projectId);
    const left = await writeSandboxFiles(
      sandbox,
      [...files].map(([path, body]) => ({ path, ...body })),
    );
    // A new workspace starts from the starter: what the agent deleted of it goes again.
    await deleteSandboxFiles(sandbox, await this.store.deletedPaths(projectId));
    if (left.length > 0) {
      const text = `The preview runs without ${left.length} saved file${left.length === 1 ? '' : 's'} the sandbox cannot take: ${left
        .slice(0, 5)
        .map((file) => `${file.path} (${file.reason})`)
        .join('; ')}${left.length > 5 ? '; …' : ''}`;
      this.logger.warn(`project ${projectId}: ${text}`);
      // Only a project whose events are numbered here has anyone to tell.
      if (this.hub.lastSeq(projectId) !== undefined) {
        await this.hub.emit(projectId, { type: 'log', stream: 'system', text });
      }
    }
    this.templateManifest ??= listTemplateFiles().then(
      (template) => template.find((file) => file.path === 'package.json')?.content,
    );
    const manifest = files.get('package.json');
    if (
      manifest?.encoding === undefined &&
      needsInstall(manifest?.content, await this.templateManifest)
    ) {
      await this.installSaved(projectId, sandbox);
    }
    if (hasMigrations(files.keys())) {
      await this.openDatabase(projectId, sandbox, textContents(files));
    }
    return sandbox;
  }

  /**
   * A project with migrations opens with its DATABASE_URL in the sandbox and its pending
   * migrations applied (written by an edit, a rollback, or a runner that died before it ran them).
   * What fails is told, never a reason not to open: the next phase's checks report it again.
   */
  private async openDatabase(
    projectId: string,
    sandbox: Sandbox,
    files: ReadonlyMap<string, string>,
  ): Promise<void> {
    try {
      await this.databases.ensure(projectId);
      await sandbox.setAppEnv(await this.databases.sandboxEnv(projectId));
      const report = await this.databases.migrate(projectId, files);
      const lines = [
        ...(report?.applied.length ? [`Applied migrations: ${report.applied.join(', ')}.`] : []),
        ...(report?.problems.map((problem) => problem.text) ?? []),
        ...(report?.sizeWarning ? [report.sizeWarning] : []),
      ];
      if (lines.length && this.hub.lastSeq(projectId) !== undefined) {
        await this.hub.emit(projectId, { type: 'log', stream: 'system', text: lines.join('\n') });
      }
    } catch (error) {
      this.logger.warn(`project ${projectId}: its database could not be opened: ${String(error)}`);
    }
  }

  private async installSaved(projectId: string, sandbox: Sandbox): Promise<void> {
    const tell = async (text: string, stream: 'system' | 'install' = 'system') => {
      if (this.hub.lastSeq(projectId) !== undefined) {
        await this.hub.emit(projectId, { type: 'log', stream, text });
      }
    };
    await tell('package.json asks for packages the new sandbox lacks: installing them.');
    try {
      const result = await sandbox.install();
      if (result.output) {
        await tell(result.output, 'install');
      }
      if (!result.ok) {
        this.logger.warn(`project ${projectId}: install of the saved package.json failed`);
        await tell(
          `Installing the dependencies of package.json failed (exit ${result.exitCode}): the preview may not find them.`,
        );
      }
    } catch (error) {
      this.logger.warn(
        `project ${projectId}: install of the saved package.json failed: ${(error as Error).message}`,
      );
      await tell(
        `The dependencies of package.json could not be installed: ${(error as Error).message}`,
      );
    }
  }
}
