import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { LeaseRepository } from '@forge/db';
import {
  ErrorCode,
  type LlmModelList,
  LlmModelListSchema,
  type ProjectSnapshot,
  type RuntimeErrorReport,
  type ServerEvent,
} from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProjectsService } from '../projects/projects.service';
import { LiveError } from './live.error';
import { type RunnerLink, RunnerLinks } from './runner-links';

/** Tries of a command that met a lease changing hands, and the pause before the next. */
export const ROUTE_ATTEMPTS = 3;
export const ROUTE_RETRY_DELAY_MS = 150;

/** The same runner for a project from every API replica, while the set of runners holds. */
export function homeRunner(projectId: string, links: RunnerLink[]): RunnerLink | undefined {
  let best: RunnerLink | undefined;
  let bestScore = -1;
  for (const link of links) {
    const score = createHash('sha256')
      .update(`${projectId}\0${link.runnerId}`)
      .digest()
      .readUInt32BE(0);
    if (score > bestScore) {
      [best, bestScore] = [link, score];
    }
  }
  return best;
}

/**
 * Which runner a project's commands go to: the one holding its lease in agent_states (only it
 * can cancel, and only it knows the file being streamed), else the project's home runner by
 * rendezvous hashing, which takes the lease when it starts a generation.
 */
@Injectable()
export class RunnerRouter implements OnModuleInit {
  private readonly logger = new Logger(RunnerRouter.name);

  constructor(
    private readonly leases: LeaseRepository,
    private readonly links: RunnerLinks,
    private readonly projects: ProjectsService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  onModuleInit(): void {
    this.projects.onRemoved((projectId) => void this.destroy(projectId));
  }

  /**
   * A deleted project's generation stops and its sandbox goes, on every runner that is up:
   * its lease row went with the project, so which runner held it is no longer known, and a
   * runner with nothing of the project has nothing to do. A runner that is down reaps the
   * sandbox when it starts (SandboxReaper).
   */
  async destroy(projectId: string): Promise<void> {
    const warn = (link: RunnerLink, message: string) =>
      this.logger.warn(`destroying project ${projectId} on ${link.url}: ${message}`);
    await Promise.all(
      this.links.up().map((link) =>
        this.links.request(link, 'destroy', { projectId }).then(
          (reply) => {
            if (!reply.ok) {
              warn(link, reply.error.message);
            }
          },
          (error: Error) => warn(link, error.message),
        ),
      ),
    );
  }

  async generate(projectId: string, description: string, model?: string): Promise<void> {
    await this.command(projectId, (link) =>
      this.links.request(link, 'generate', {
        projectId,
        description,
        ...(model ? { model } : {}),
      }),
    );
  }

  /** The models a request may name, as a runner that is up lists them (all share one LLM). */
  async models(): Promise<LlmModelList> {
    const up = this.links.up();
    if (up.length === 0) {
      throw LiveError.runnerUnavailable();
    }
    const reply = await this.links.request(up[0]!, 'models', {});
    if (!reply.ok) {
      throw fromRunner(reply.error);
    }
    const list = LlmModelListSchema.safeParse(reply.list);
    if (!list.success) {
      throw new LiveError(ErrorCode.Internal, 'The runner answered a malformed model list.');
    }
    return list.data;
  }

  async cancel(projectId: string): Promise<void> {
    await this.command(projectId, (link) => this.links.request(link, 'cancel', { projectId }));
  }

  /** Saves a user's edit (refused while a generation runs); answers the version it made. */
  async saveFile(projectId: string, path: string, content: string): Promise<number> {
    let version = 0;
    await this.command(projectId, async (link) => {
      const reply = await this.links.request(link, 'save_file', { projectId, path, content });
      if (reply.ok) {
        version = reply.version;
      }
      return reply;
    });
    return version;
  }

  /** Makes the project's files those of `version` again; answers the version it made. */
  async rollback(projectId: string, version: number): Promise<number> {
    let made = 0;
    await this.command(projectId, async (link) => {
      const reply = await this.links.request(link, 'rollback', { projectId, version });
      if (reply.ok) {
        made = reply.version;
      }
      return reply;
    });
    return made;
  }

  /** Relays errors a preview reported from a browser to the runner working on the project. */
  async runtimeErrors(projectId: string, errors: RuntimeErrorReport[]): Promise<void> {
    const reply = await this.links.request(await this.pick(projectId), 'runtime_errors', {
      projectId,
      errors,
    });
    if (!reply.ok) {
      throw fromRunner(reply.error);
    }
  }

  /** Wakes the project's dev server through a runner; null when runners have no sandboxes. */
  async previewUrl(projectId: string): Promise<string | null> {
    // Waking a sandbox (recreating its container, writing its files, starting Vite) takes longer
    // than a command: the preview has its own deadline.
    const reply = await this.links.request(
      await this.pick(projectId),
      'preview',
      { projectId },
      { ms: this.config.RUNNER_PREVIEW_TIMEOUT_MS, setting: 'RUNNER_PREVIEW_TIMEOUT_MS' },
    );
    if (!reply.ok) {
      throw fromRunner(reply.error);
    }
    return reply.url;
  }

  /**
   * Builds a version of the project into a static site on the runner that holds it (or its
   * home runner) and answers the built files. The build's own deadline, plus a minute for
   * waking the sandbox and carrying the files, bounds the wait.
   */
  async publishBuild(
    projectId: string,
    version: number,
    limits: { maxBytes: number; maxFiles: number; maxServerBytes: number; timeoutMs: number },
  ): Promise<{ files: { path: string; content: Buffer }[]; server: Buffer | null }> {
    const reply = await this.links.request(
      await this.pick(projectId),
      'publish_build',
      { projectId, version, ...limits },
      { ms: limits.timeoutMs + 60_000, setting: 'PUBLISH_BUILD_TIMEOUT_MS' },
    );
    if (!reply.ok) {
      throw fromRunner(reply.error);
    }
    return {
      files: reply.files.map((file) => ({
        path: file.path,
        content: Buffer.from(file.content, 'base64'),
      })),
      server: reply.server === null ? null : Buffer.from(reply.server, 'base64'),
    };
  }

  /**
   * Where the server part of the project's published app answers, started by the runner
   * holding the project when needed (within PUBLISH_SERVER_TIMEOUT_MS).
   */
  async appServerUrl(projectId: string): Promise<{ url: string; renewMs: number | null }> {
    const reply = await this.links.request(
      await this.pick(projectId),
      'app_server',
      { projectId },
      { ms: this.config.PUBLISH_SERVER_TIMEOUT_MS, setting: 'PUBLISH_SERVER_TIMEOUT_MS' },
    );
    if (!reply.ok) {
      throw fromRunner(reply.error);
    }
    return { url: reply.url, renewMs: reply.renewMs ?? null };
  }

  /** Stops the server part of the project's published app (unpublished). */
  async stopAppServer(projectId: string): Promise<void> {
    const reply = await this.links.request(await this.pick(projectId), 'app_server_stop', {
      projectId,
    });
    if (!reply.ok) {
      throw fromRunner(reply.error);
    }
  }

  /**
   * The project's snapshot, and the kept events after `since` up to it; the runner answering
   * has started sending the project's events.
   */
  async snapshot(projectId: string, since?: number): Promise<SnapshotWithMissed> {
    const payload = since === undefined ? { projectId } : { projectId, since };
    const first = await this.links.request(await this.pick(projectId), 'snapshot', payload);
    if (!first.ok) {
      throw fromRunner(first.error);
    }
    const holder =
      first.leaseOwner && first.leaseOwner !== first.servedBy
        ? this.links.byRunnerId(first.leaseOwner)
        : undefined;
    if (!holder) {
      return { snapshot: first.snapshot, missed: first.missed ?? [] };
    }
    // The lease moved to a runner we can reach: only its snapshot has the streamed file.
    const second = await this.links.request(holder, 'snapshot', payload);
    if (!second.ok) {
      throw fromRunner(second.error);
    }
    return { snapshot: second.snapshot, missed: second.missed ?? [] };
  }

  async pick(projectId: string): Promise<RunnerLink> {
    const up = this.links.up();
    if (up.length === 0) {
      throw LiveError.runnerUnavailable();
    }
    const owner = await this.leases.owner(projectId);
    const holder = owner ? up.find((link) => link.runnerId === owner) : undefined;
    return holder ?? homeRunner(projectId, up)!;
  }

  private async command(
    projectId: string,
    send: (link: RunnerLink) => Promise<{ ok: true } | { ok: false; error: RunnerFailure }>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const reply = await send(await this.pick(projectId));
      if (reply.ok) {
        return;
      }
      if (reply.error.code !== ErrorCode.ProjectLeasedElsewhere || attempt >= ROUTE_ATTEMPTS) {
        throw fromRunner(reply.error);
      }
      await new Promise((resolve) => setTimeout(resolve, ROUTE_RETRY_DELAY_MS * attempt));
    }
  }
}

export interface SnapshotWithMissed {
  snapshot: ProjectSnapshot;
  /** Events after the `since` asked for that a snapshot does not show, oldest first. */
  missed: ServerEvent[];
}

interface RunnerFailure {
  code: ErrorCode;
  message: string;
}

/** The runner's refusal as the browser sees it: its code and message pass through. */
function fromRunner(error: RunnerFailure): LiveError {
  return new LiveError(error.code, error.message);
}
