import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ProjectThumbnailRepository } from '@forge/db';
import { type ServerEvent } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { SandboxSessions } from '../sandbox/sandbox-sessions';
import { PreviewCamera } from './preview-camera';

/**
 * Takes a picture of a project's preview whenever a version is recorded, for its dashboard
 * card, and keeps the latest one in project_thumbnails. One picture at a time; a project that
 * records several versions meanwhile is pictured once, at its newest. A picture that fails
 * is logged and skipped: the card keeps the previous one, or its placeholder.
 */
@Injectable()
export class ThumbnailService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ThumbnailService.name);
  private readonly camera: PreviewCamera | null;
  /** Projects waiting for a picture, with the newest version number recorded. */
  private readonly pending = new Map<string, number>();
  private working: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly hub: EventHub,
    private readonly sessions: SandboxSessions,
    private readonly thumbnails: ProjectThumbnailRepository,
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
  ) {
    const path = config.THUMBNAIL_CHROMIUM_PATH;
    this.camera = PreviewCamera.available(path)
      ? new PreviewCamera({
          chromiumPath: path,
          timeoutMs: config.THUMBNAIL_TIMEOUT_MS,
          settleMs: config.THUMBNAIL_SETTLE_MS,
          width: config.THUMBNAIL_WIDTH,
        })
      : null;
  }

  onModuleInit(): void {
    if (!this.camera) {
      if (this.config.THUMBNAIL_CHROMIUM_PATH !== 'off') {
        this.logger.log(
          `no thumbnails: THUMBNAIL_CHROMIUM_PATH (${this.config.THUMBNAIL_CHROMIUM_PATH}) is not there`,
        );
      }
      return;
    }
    this.unsubscribe = this.hub.subscribe((event) => this.onEvent(event));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.pending.clear();
    await this.working?.catch(() => undefined);
    await this.camera?.close();
  }

  /** Resolves once every picture asked for so far was taken or given up (for tests). */
  async idle(): Promise<void> {
    while (this.working) {
      await this.working;
    }
  }

  private onEvent(event: ServerEvent): void {
    if (event.type !== 'version_created' || this.closed) {
      return;
    }
    const known = this.pending.get(event.projectId) ?? 0;
    this.pending.set(event.projectId, Math.max(known, event.number));
    this.working ??= this.work().finally(() => {
      this.working = null;
    });
  }

  private async work(): Promise<void> {
    for (const [projectId, version] of this.pending) {
      this.pending.delete(projectId);
      if (this.closed) {
        return;
      }
      await this.take(projectId, version).catch((error: unknown) => {
        this.logger.warn(`project ${projectId}: no thumbnail: ${(error as Error).message}`);
      });
    }
  }

  private async take(projectId: string, version: number): Promise<void> {
    const url = await this.sessions.devServerUrl(projectId);
    if (!url || !this.camera) {
      return;
    }
    const image = await this.camera.picture(url);
    const max = this.config.THUMBNAIL_MAX_BYTES;
    if (image.length > max) {
      throw new Error(`the picture has ${image.length} bytes, over THUMBNAIL_MAX_BYTES (${max})`);
    }
    // A project deleted meanwhile has no row to refer to: nothing is inserted.
    await this.thumbnails.save(projectId, version, image);
  }
}
