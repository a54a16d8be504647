import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Server } from 'node:http';
import { createPreviewServer, signPreviewToken } from '@forge/preview';
import { type RuntimeErrorReport } from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { RunnerRouter } from '../live/runner-router';
import { ProjectsService } from '../projects/projects.service';
import { ProjectError } from '../projects/project.error';
import { PreviewError } from './preview.error';
import { parsePreviewTemplate, previewLink } from './preview-links';

/** Projects remembered as live, or as deleted, at most; past it that memory starts over. */
const REMEMBERED_MAX = 10_000;

/**
 * Previews on their own origin (`<projectId>.preview.localhost:3004`): links signed for one
 * user and project, and a proxy that wakes the project's dev server through its runner.
 */
@Injectable()
export class PreviewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Preview');
  private server?: Server;
  /** `<projectId> <userId>` → until when the project was last seen to exist and be theirs. */
  private readonly seenLive = new Map<string, number>();
  /** Projects deleted on this replica: a check already under way cannot bring one back. */
  private readonly removed = new Set<string>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectsService,
    private readonly runners: RunnerRouter,
  ) {}

  private get enabled(): boolean {
    return this.config.PREVIEW_TOKEN_SECRET.length > 0 && this.config.PREVIEW_PORT > 0;
  }

  /** A link that opens the project's preview for its owner until PREVIEW_TOKEN_TTL_SECONDS pass. */
  async link(userId: string, projectId: string): Promise<{ url: string; expiresAt: string }> {
    if (!this.enabled) {
      throw PreviewError.disabled();
    }
    await this.projects.assertOwned(userId, projectId);
    const expiresAt = Date.now() + this.config.PREVIEW_TOKEN_TTL_SECONDS * 1000;
    const token = signPreviewToken(
      { projectId, userId, expiresAt },
      this.config.PREVIEW_TOKEN_SECRET,
    );
    return {
      url: previewLink(this.config.PREVIEW_URL_TEMPLATE, projectId, token),
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) {
      this.logger.warn('previews are off: PREVIEW_TOKEN_SECRET or PREVIEW_PORT is not set');
      return;
    }
    this.projects.onRemoved((projectId) => this.forget(projectId));
    const template = parsePreviewTemplate(this.config.PREVIEW_URL_TEMPLATE);
    const server = createPreviewServer({
      secret: this.config.PREVIEW_TOKEN_SECRET,
      hostSuffix: template.hostSuffix,
      httpsLinks: template.https,
      isLive: (projectId, userId) => this.isLive(projectId, userId),
      frameAncestors: [this.config.PUBLIC_URL],
      resolve: async (projectId) => {
        const url = await this.runners.previewUrl(projectId);
        return url ? { url } : null;
      },
      onRuntimeErrors: (projectId, errors) => this.relayRuntimeErrors(projectId, errors),
      runtimeErrorsRateLimit: {
        max: this.config.PREVIEW_ERROR_REPORTS_PER_MINUTE,
        windowMs: 60_000,
        name: 'PREVIEW_ERROR_REPORTS_PER_MINUTE',
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.PREVIEW_PORT, this.config.PREVIEW_HOST, resolve);
    });
    this.server = server;
  }

  /**
   * Whether the project still exists and is the user's, remembered for
   * PREVIEW_PROJECT_CHECK_CACHE_MS. A delete on this replica forgets it at once; another
   * replica's proxy stops serving it once its own memory of it expires.
   */
  private async isLive(projectId: string, userId: string): Promise<boolean> {
    if (this.removed.has(projectId)) {
      return false;
    }
    const key = `${projectId} ${userId}`;
    const now = Date.now();
    if ((this.seenLive.get(key) ?? 0) > now) {
      return true;
    }
    this.seenLive.delete(key);
    try {
      await this.projects.assertOwned(userId, projectId);
    } catch (error) {
      if (error instanceof ProjectError) {
        return false;
      }
      throw error;
    }
    if (this.removed.has(projectId)) {
      return false;
    }
    if (this.seenLive.size >= REMEMBERED_MAX) {
      this.seenLive.clear();
    }
    this.seenLive.set(key, now + this.config.PREVIEW_PROJECT_CHECK_CACHE_MS);
    return true;
  }

  private forget(projectId: string): void {
    // Ids are never reused; past the bound, the cache's expiry alone covers older deletes.
    if (this.removed.size >= REMEMBERED_MAX) {
      this.removed.clear();
    }
    this.removed.add(projectId);
    for (const key of this.seenLive.keys()) {
      if (key.startsWith(`${projectId} `)) {
        this.seenLive.delete(key);
      }
    }
  }

  /**
   * Passes a preview's errors to the project's runner. A failed relay is logged and dropped:
   * the browser gets 204 anyway, since it could do nothing with an error and must not retry.
   */
  private async relayRuntimeErrors(projectId: string, errors: RuntimeErrorReport[]): Promise<void> {
    try {
      await this.runners.runtimeErrors(projectId, errors);
    } catch (error) {
      this.logger.warn(
        `runtime errors of project ${projectId} not relayed (${errors.length} dropped): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
