import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type LivePublicationRow, PublicationRepository } from '@forge/db';
import {
  type PublishedApp,
  type PublishedSite,
  publishedSite,
  verifyPreviewToken,
} from '@forge/preview';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { RunnerRouter } from '../live/runner-router';

/** A project's server part as a runner last answered for it. */
interface KnownServer {
  buildId: string;
  /** When the runner was asked (before it noted the use). */
  askedAt: number;
  url: Promise<string>;
  /** From the answer: ask again after this long (null: never); undefined while asking. */
  renewMs?: number | null;
}

/** Slugs remembered at most; past it that memory starts over. */
const REMEMBERED_MAX = 10_000;

/** The key signing private apps' owner tokens, derived from AUTH_SECRET for this use only. */
export function ownerTokenSecret(authSecret: string): string {
  return createHash('sha256').update(`forge published apps\0${authSecret}`).digest('hex');
}

/**
 * The published apps as the server finds them: a publication by its slug (remembered for
 * PUBLISH_CHECK_CACHE_MS), a build's files from memory (least recently used out past
 * PUBLISH_CACHE_BYTES), read from PostgreSQL when missing. Every replica serves every app.
 */
@Injectable()
export class PublishedApps {
  private readonly bySlug = new Map<string, { row: LivePublicationRow | null; until: number }>();
  private readonly sites = new Map<string, PublishedSite>();
  private readonly loading = new Map<string, Promise<PublishedSite>>();
  /** Where each project's live server part answers, by build, as its runner last said. */
  private readonly servers = new Map<string, KnownServer>();
  private cachedBytes = 0;
  readonly ownerSecret: string;

  constructor(
    private readonly publications: PublicationRepository,
    private readonly runners: RunnerRouter,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.ownerSecret = ownerTokenSecret(config.AUTH_SECRET);
  }

  /** The app at `slug`, or null. */
  async find(slug: string): Promise<PublishedApp | null> {
    const row = await this.row(slug);
    if (!row) {
      return null;
    }
    const site = await this.site(row.build_id);
    return {
      site,
      open: row.visibility === 'public',
      allows: (credential) => this.allows(row, credential),
      server: row.has_server ? (fresh) => this.serverUrl(row, fresh) : undefined,
    };
  }

  /** Forgets where the project's server part answered (stopped, or another build is live). */
  forgetServer(projectId: string): void {
    this.servers.delete(projectId);
  }

  /**
   * Where the app's server part answers: asked of the runner once per build (it starts the
   * server then), again when `fresh` (the address stopped answering), after a failure, and
   * once the runner's renewMs has passed since the ask (an ask counts as a use: a runner
   * stops a server part nobody asked for within its idle timeout).
   */
  private serverUrl(row: LivePublicationRow, fresh: boolean): Promise<string> {
    const known = this.servers.get(row.project_id);
    const current =
      known?.renewMs === undefined ||
      known.renewMs === null ||
      Date.now() - known.askedAt < known.renewMs;
    if (known && known.buildId === row.build_id && !fresh && current) {
      return known.url;
    }
    const entry: KnownServer = { buildId: row.build_id, askedAt: Date.now(), url: null! };
    entry.url = this.runners.appServerUrl(row.project_id).then(
      (address) => {
        entry.renewMs = address.renewMs;
        return address.url;
      },
      (error: unknown) => {
        if (this.servers.get(row.project_id) === entry) {
          this.servers.delete(row.project_id);
        }
        throw error;
      },
    );
    this.servers.set(row.project_id, entry);
    return entry.url;
  }

  /** Forgets what this replica read of these slugs: a change made here shows at once. */
  forget(...slugs: string[]): void {
    for (const slug of slugs) {
      this.bySlug.delete(slug);
    }
  }

  private allows(row: LivePublicationRow, credential: string): boolean {
    if (row.visibility === 'unlisted') {
      const given = Buffer.from(credential);
      const secret = Buffer.from(row.access_token);
      return given.length === secret.length && timingSafeEqual(given, secret);
    }
    if (row.visibility === 'private') {
      const check = verifyPreviewToken(credential, this.ownerSecret, {
        projectId: row.project_id,
      });
      return check.ok && check.claims.userId === row.owner_id;
    }
    return true;
  }

  private async row(slug: string): Promise<LivePublicationRow | null> {
    const now = Date.now();
    const known = this.bySlug.get(slug);
    if (known && known.until > now) {
      return known.row;
    }
    const row = await this.publications.live(slug);
    if (this.bySlug.size >= REMEMBERED_MAX) {
      this.bySlug.clear();
    }
    this.bySlug.set(slug, { row, until: now + this.config.PUBLISH_CHECK_CACHE_MS });
    return row;
  }

  private async site(buildId: string): Promise<PublishedSite> {
    const cached = this.sites.get(buildId);
    if (cached) {
      // Most recently used last.
      this.sites.delete(buildId);
      this.sites.set(buildId, cached);
      return cached;
    }
    let loading = this.loading.get(buildId);
    if (!loading) {
      loading = this.load(buildId).finally(() => this.loading.delete(buildId));
      this.loading.set(buildId, loading);
    }
    return loading;
  }

  private async load(buildId: string): Promise<PublishedSite> {
    const rows = await this.publications.files(buildId);
    const site = publishedSite(rows);
    const max = this.config.PUBLISH_CACHE_BYTES;
    if (site.bytes <= max) {
      for (const [id, old] of this.sites) {
        if (this.cachedBytes + site.bytes <= max) {
          break;
        }
        this.sites.delete(id);
        this.cachedBytes -= old.bytes;
      }
      this.sites.set(buildId, site);
      this.cachedBytes += site.bytes;
    }
    return site;
  }
}
