import { randomBytes, randomUUID } from 'node:crypto';
import { type Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import {
  type Publication,
  PublicationRepository,
  ProjectRepository,
  VersionRepository,
} from '@forge/db';
import { createPublishedServer, PUBLISHED_ACCESS_PARAM, signPreviewToken } from '@forge/preview';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { LiveError } from '../live/live.error';
import { RunnerRouter } from '../live/runner-router';
import { ProjectError } from '../projects/project.error';
import { ProjectsService } from '../projects/projects.service';
import { type PublicationDto, type PublishDto } from './dto/publish.dto';
import { PublishError } from './publish.error';
import { parsePublishTemplate, publishedUrl } from './publish-links';
import { checkSlug } from './publish-slug';
import { PublishedApps } from './published-apps';

/** Rows of built files inserted per statement. */
const INSERT_BATCH_FILES = 500;

/** The runner's refusals of a build, as REST statuses. */
const RUNNER_STATUS: Record<string, number> = {
  PROJECT_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  PUBLISH_BUILD_FAILED: 422,
  PUBLISH_TOO_LARGE: 413,
  PUBLISH_UNSUPPORTED: 501,
  RUNNER_UNAVAILABLE: 503,
  RUNNER_TIMEOUT: 504,
};

/**
 * Publishing: a version of a project built by its runner (apart from the preview's workspace),
 * its files stored in publication_files, and served from there by this API's published-app
 * server at `PUBLISH_URL_TEMPLATE` — independent of the project's sandbox once built.
 */
@Injectable()
export class PublishService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Publish');
  private server?: Server;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectsService,
    private readonly runners: RunnerRouter,
    private readonly apps: PublishedApps,
    private readonly publications: PublicationRepository,
    private readonly projectRows: ProjectRepository,
    private readonly versions: VersionRepository,
  ) {}

  get enabled(): boolean {
    return this.config.PUBLISH_PORT > 0;
  }

  /** The project's publication, or null when it is not published. */
  async get(userId: string, projectId: string): Promise<PublicationDto | null> {
    await this.projects.assertOwned(userId, projectId);
    const row = await this.publications.findByProject(projectId);
    return row ? this.toDto(row, userId) : null;
  }

  /**
   * Publishes `dto.version` (the latest by default) at `dto.slug`. A version other than the live
   * one is built first; the same one only changes the address or who may open it.
   */
  async publish(userId: string, projectId: string, dto: PublishDto): Promise<PublicationDto> {
    await this.projects.assertOwned(userId, projectId);
    if (!this.enabled) {
      throw PublishError.disabled();
    }
    const slug = checkSlug(dto.slug);
    if (!slug.ok) {
      throw slug.reserved
        ? PublishError.slugReserved(dto.slug)
        : PublishError.invalidSlug(slug.reason);
    }
    const version = dto.version ?? (await this.latestVersion(projectId));
    await this.assertVersion(projectId, version);
    await this.assertSlugFree(slug.slug, projectId);
    const before = await this.publications.findByProject(projectId);

    let build: {
      buildId: string;
      files: { path: string; content: Buffer }[];
      server: Buffer | null;
    } | null = null;
    if (!before || before.versionNumber !== version) {
      build = { buildId: randomUUID(), ...(await this.build(userId, projectId, version)) };
    }
    try {
      await this.dataSource.transaction(async (manager) => {
        const owned = await this.projectRows.lockOwned(manager, userId, projectId, 'FOR SHARE');
        if (!owned) {
          throw ProjectError.notFound();
        }
        if (build) {
          await this.insertFiles(manager, projectId, build.buildId, build.files);
        }
        const current = await this.publications.lockByProject(manager, projectId);
        if (!build && !current) {
          throw PublishError.changedMeanwhile();
        }
        const accessToken =
          current && current.visibility === dto.visibility
            ? current.accessToken
            : randomBytes(24).toString('base64url');
        const values = {
          slug: slug.slug,
          visibility: dto.visibility,
          accessToken,
          versionNumber: build ? version : (current?.versionNumber ?? version),
          buildId: build?.buildId ?? current!.buildId,
          bytes: build ? sum(build.files) : current!.bytes,
          fileCount: build ? build.files.length : current!.fileCount,
          // A new build brings its own server part (or none); otherwise the column stays.
          ...(build ? { serverBundle: build.server } : {}),
        };
        if (current) {
          await this.publications.update(manager, projectId, values);
        } else {
          await this.publications.insert(manager, { projectId, ...values });
        }
        await this.publications.removeOtherBuilds(manager, projectId, values.buildId);
      });
    } catch (error) {
      throw translateWriteError(error, slug.slug);
    } finally {
      this.apps.forget(slug.slug, ...(before ? [before.slug] : []));
    }
    if (build) {
      // The server part of the build before goes. The new one, if any, starts now rather than
      // on its first request (the runner replaces the old one; it stops again when idle).
      if (build.server) {
        this.startAppServer(projectId);
      } else {
        this.stopAppServer(projectId);
      }
    }
    const row = await this.publications.findByProject(projectId);
    if (!row) {
      // Unpublished, or the project deleted, since the write committed.
      await this.projects.assertOwned(userId, projectId);
      throw PublishError.changedMeanwhile();
    }
    return this.toDto(row, userId);
  }

  /** Takes the app down: its address answers 404 at once on this replica. */
  async unpublish(userId: string, projectId: string): Promise<void> {
    await this.projects.assertOwned(userId, projectId);
    const slugs = await this.dataSource.transaction((manager) =>
      this.publications.remove(manager, projectId),
    );
    if (slugs.length === 0) {
      throw PublishError.notPublished();
    }
    this.apps.forget(...slugs);
    this.stopAppServer(projectId);
  }

  /**
   * Stops the app's server part on its runner, without waiting: what is published no longer
   * reaches it either way, and a runner that cannot be asked now stops it with the project.
   */
  private stopAppServer(projectId: string): void {
    this.apps.forgetServer(projectId);
    this.runners.stopAppServer(projectId).catch((error: unknown) => {
      this.logger.warn(`stopping the server part of ${projectId}: ${String(error)}`);
    });
  }

  /** Starts the app's server part on its runner, without waiting: a failure shows on a request. */
  private startAppServer(projectId: string): void {
    this.apps.forgetServer(projectId);
    this.runners.appServerUrl(projectId).catch((error: unknown) => {
      this.logger.warn(`starting the server part of ${projectId}: ${String(error)}`);
    });
  }

  /** The app's address and the one that opens it, for the project's share page (null: private). */
  async sharedApp(projectId: string): Promise<{ url: string; openUrl: string } | null> {
    const row = await this.publications.findByProject(projectId);
    if (!row || row.visibility === 'private' || !this.enabled) {
      return null;
    }
    const url = publishedUrl(this.config.PUBLISH_URL_TEMPLATE, row.slug);
    return { url, openUrl: this.openUrl(row, url, null) };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) {
      this.logger.log('publishing is off: PUBLISH_PORT is 0');
      return;
    }
    const template = parsePublishTemplate(this.config.PUBLISH_URL_TEMPLATE);
    const server = createPublishedServer({
      hostSuffix: template.hostSuffix,
      httpsLinks: template.https,
      resolveTimeoutMs: 30_000,
      resolve: (slug) => this.apps.find(slug),
      serverTimeoutMs: this.config.PUBLISH_SERVER_TIMEOUT_MS,
      onServerError: (slug, error) =>
        this.logger.warn(`the server part of the app at ${slug} did not answer: ${String(error)}`),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.PUBLISH_PORT, this.config.PUBLISH_HOST, resolve);
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async build(userId: string, projectId: string, version: number) {
    try {
      return await this.runners.publishBuild(projectId, version, {
        maxBytes: this.config.PUBLISH_MAX_BYTES,
        maxFiles: this.config.PUBLISH_MAX_FILES,
        maxServerBytes: this.config.PUBLISH_SERVER_MAX_BYTES,
        timeoutMs: this.config.PUBLISH_BUILD_TIMEOUT_MS,
      });
    } catch (error) {
      // A project deleted meanwhile is not found: its sandbox, build and all, went with it.
      await this.projects.assertOwned(userId, projectId);
      if (error instanceof LiveError) {
        throw new PublishError(error.code, error.message, RUNNER_STATUS[error.code] ?? 502);
      }
      throw error;
    }
  }

  private async latestVersion(projectId: string): Promise<number> {
    const latest = await this.versions.latestNumber(projectId);
    if (!latest) {
      throw PublishError.noVersion();
    }
    return latest;
  }

  private async assertVersion(projectId: string, version: number): Promise<void> {
    if (!(await this.versions.exists(projectId, version))) {
      throw PublishError.versionNotFound(version);
    }
  }

  /** Before a build: an address taken by another project fails at once, not after minutes. */
  private async assertSlugFree(slug: string, projectId: string): Promise<void> {
    const holder = await this.publications.projectAt(slug);
    if (holder !== null && holder !== projectId) {
      throw PublishError.slugTaken(slug);
    }
  }

  private async insertFiles(
    manager: EntityManager,
    projectId: string,
    buildId: string,
    files: { path: string; content: Buffer }[],
  ): Promise<void> {
    for (let start = 0; start < files.length; start += INSERT_BATCH_FILES) {
      const batch = files.slice(start, start + INSERT_BATCH_FILES);
      await this.publications.insertFiles(manager, projectId, buildId, batch);
    }
  }

  private toDto(row: Publication, userId: string): PublicationDto {
    const url = publishedUrl(this.config.PUBLISH_URL_TEMPLATE, row.slug);
    return {
      slug: row.slug,
      visibility: row.visibility,
      version: row.versionNumber,
      url,
      openUrl: this.openUrl(row, url, userId),
      bytes: row.bytes,
      fileCount: row.fileCount,
      publishedAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** Public: the address. Unlisted: with its secret. Private: with an owner token (owner only). */
  private openUrl(row: Publication, url: string, ownerId: string | null): string {
    if (row.visibility === 'public') {
      return url;
    }
    const link = new URL(url);
    const credential =
      row.visibility === 'unlisted'
        ? row.accessToken
        : ownerId &&
          signPreviewToken(
            {
              projectId: row.projectId,
              userId: ownerId,
              expiresAt: Date.now() + this.config.PREVIEW_TOKEN_TTL_SECONDS * 1000,
            },
            this.apps.ownerSecret,
          );
    if (!credential) {
      return url;
    }
    link.searchParams.set(PUBLISHED_ACCESS_PARAM, credential);
    return link.toString();
  }
}

function sum(files: { content: Buffer }[]): number {
  return files.reduce((total, file) => total + file.content.length, 0);
}

function translateWriteError(error: unknown, slug: string): unknown {
  if (error instanceof QueryFailedError) {
    const code = (error.driverError as { code?: string; constraint?: string }).code;
    const constraint = (error.driverError as { constraint?: string }).constraint;
    if (code === '23505' && constraint === 'publications_slug_key') {
      return PublishError.slugTaken(slug);
    }
    // The project went away while its version was built.
    if (code === '23503') {
      return ProjectError.notFound();
    }
  }
  return error;
}
