import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { type VersionSummary } from '@forge/protocol/agent/versions';
import { firstValueFrom } from 'rxjs';
import { ProjectResponseError, type Project, parseProject } from '../project/project.model';
import { PROJECTS_URL } from '../project/projects.service';
import { parseVersionList } from '../workspace/versions/versions-api.service';
import { record } from '../workspace/workspace-api.service';
import { longRequest } from '../core/request-deadline.interceptor';

export type Visibility = 'public' | 'unlisted' | 'private';
export const VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private'];

/** A published app as its owner sees it. */
export interface Publication {
  readonly slug: string;
  readonly visibility: Visibility;
  readonly version: number;
  readonly url: string;
  /** Opens it for the owner: with the unlisted secret, or a signed owner token. */
  readonly openUrl: string;
  readonly updatedAt: string;
}

export interface ShareLink {
  readonly token: string;
  readonly url: string;
  readonly createdAt: string;
}

/** A shared project, read-only. */
export interface SharedProject {
  readonly name: string;
  readonly description: string;
  readonly versions: readonly VersionSummary[];
  readonly version: number | null;
  readonly files: readonly { readonly path: string; readonly content: string }[];
  readonly app: { readonly url: string; readonly openUrl: string } | null;
}

const SHARED_URL = '/api/shared';

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') {
    throw new ProjectResponseError(what);
  }
  return value;
}

export function parsePublication(body: unknown): Publication | null {
  const what = 'the publication';
  const { publication } = record(body, what);
  if (publication === null) {
    return null;
  }
  return parsePublished(publication);
}

export function parsePublished(body: unknown): Publication {
  const what = 'the publication';
  const fields = record(body, what);
  const visibility = text(fields['visibility'], what) as Visibility;
  if (!VISIBILITIES.includes(visibility) || typeof fields['version'] !== 'number') {
    throw new ProjectResponseError(what);
  }
  return {
    slug: text(fields['slug'], what),
    visibility,
    version: fields['version'],
    url: text(fields['url'], what),
    openUrl: text(fields['openUrl'], what),
    updatedAt: text(fields['updatedAt'], what),
  };
}

export function parseShareLink(body: unknown): ShareLink {
  const what = 'a share link';
  const fields = record(body, what);
  return {
    token: text(fields['token'], what),
    url: text(fields['url'], what),
    createdAt: text(fields['createdAt'], what),
  };
}

export function parseSharedProject(body: unknown): SharedProject {
  const what = 'the shared project';
  const fields = record(body, what);
  const files = fields['files'];
  const app = fields['app'];
  if (
    !Array.isArray(files) ||
    (fields['version'] !== null && typeof fields['version'] !== 'number')
  ) {
    throw new ProjectResponseError(what);
  }
  return {
    name: text(fields['name'], what),
    description: text(fields['description'], what),
    versions: parseVersionList({ versions: fields['versions'] }),
    version: fields['version'] as number | null,
    files: files.map((file: unknown) => {
      const entry = record(file, what);
      return { path: text(entry['path'], what), content: text(entry['content'], what) };
    }),
    app:
      app === null
        ? null
        : {
            url: text(record(app, what)['url'], what),
            openUrl: text(record(app, what)['openUrl'], what),
          },
  };
}

/** Publishing, share links and shared projects over REST. */
@Injectable({ providedIn: 'root' })
export class PublishApiService {
  private readonly http = inject(HttpClient);

  async publication(projectId: string): Promise<Publication | null> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/publication`;
    return parsePublication(await firstValueFrom(this.http.get(url)));
  }

  async publish(
    projectId: string,
    request: { slug: string; visibility: Visibility; version?: number },
  ): Promise<Publication> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/publication`;
    // The runner builds the version first (PUBLISH_BUILD_TIMEOUT_MS on the server).
    return parsePublished(
      await firstValueFrom(this.http.put(url, request, { context: longRequest() })),
    );
  }

  async unpublish(projectId: string): Promise<void> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/publication`;
    await firstValueFrom(this.http.delete(url));
  }

  async shareLinks(projectId: string): Promise<ShareLink[]> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/share-links`;
    const { links } = record(await firstValueFrom(this.http.get(url)), 'the share links');
    if (!Array.isArray(links)) {
      throw new ProjectResponseError('the share links');
    }
    return links.map(parseShareLink);
  }

  async createShareLink(projectId: string): Promise<ShareLink> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/share-links`;
    return parseShareLink(await firstValueFrom(this.http.post(url, {})));
  }

  async revokeShareLink(projectId: string, token: string): Promise<void> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/share-links/${encodeURIComponent(token)}`;
    await firstValueFrom(this.http.delete(url));
  }

  async shared(token: string, version?: number): Promise<SharedProject> {
    const base = `${SHARED_URL}/${encodeURIComponent(token)}`;
    const url = version === undefined ? base : `${base}/versions/${version}`;
    return parseSharedProject(await firstValueFrom(this.http.get(url)));
  }

  async remix(token: string, version?: number): Promise<Project> {
    const url = `${SHARED_URL}/${encodeURIComponent(token)}/remix`;
    const body = version === undefined ? {} : { version };
    return parseProject(await firstValueFrom(this.http.post(url, body)));
  }
}
