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
import { PreviewError } from './preview.error';
import { parsePreviewTemplate, previewLink } from './preview-links';

/**
 * Previews on their own origin (`<projectId>.preview.localhost:3004`): links signed for one
 * user and project, and a proxy that wakes the project's dev server through its runner.
 */
@Injectable()
export class PreviewService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Preview');
  private server?: Server;

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
    if (!this.enabled) throw PreviewError.disabled();
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
    const server = createPreviewServer({
      secret: this.config.PREVIEW_TOKEN_SECRET,
      hostSuffix: parsePreviewTemplate(this.config.PREVIEW_URL_TEMPLATE).hostSuffix,
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
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
