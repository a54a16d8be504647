import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { type Project, parseProject } from '../project/project.model';
import { PROJECTS_URL } from '../project/projects.service';
import { longRequest } from '../core/request-deadline.interceptor';

/** What the API says of a project's git remote: never the token, only whether one is set. */
export interface GitRemote {
  url: string;
  branch: string;
  username: string;
  tokenSet: boolean;
  pushedVersion: number | null;
  lastCommit: string | null;
  lastPushedAt: string | null;
}

export interface GitRemoteChange {
  url: string;
  branch: string;
  /** Empty keeps the token set before. */
  token: string;
}

function field<T>(
  record: Record<string, unknown>,
  name: string,
  check: (value: unknown) => boolean,
): T {
  const value = record[name];
  if (!check(value)) {
    throw new Error(`The server sent a git remote without a valid ${name}.`);
  }
  return value as T;
}

const isString = (value: unknown) => typeof value === 'string';
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';

export function parseGitRemote(body: unknown): GitRemote {
  if (typeof body !== 'object' || body === null) {
    throw new Error('The server sent no git remote.');
  }
  const record = body as Record<string, unknown>;
  return {
    url: field(record, 'url', isString),
    branch: field(record, 'branch', isString),
    username: field(record, 'username', isString),
    tokenSet: field(record, 'tokenSet', (value) => typeof value === 'boolean'),
    pushedVersion: field(
      record,
      'pushedVersion',
      (value) => value === null || typeof value === 'number',
    ),
    lastCommit: field(record, 'lastCommit', isStringOrNull),
    lastPushedAt: field(record, 'lastPushedAt', isStringOrNull),
  };
}

/** Push to git, and new projects from a git URL or a zip. */
@Injectable({ providedIn: 'root' })
export class GitIoService {
  private readonly http = inject(HttpClient);

  private remoteUrl(projectId: string): string {
    return `${PROJECTS_URL}/${encodeURIComponent(projectId)}/git`;
  }

  async remote(projectId: string): Promise<GitRemote | null> {
    const body = await firstValueFrom(
      this.http.get<{ remote: unknown }>(this.remoteUrl(projectId)),
    );
    return body.remote === null ? null : parseGitRemote(body.remote);
  }

  async setRemote(projectId: string, change: GitRemoteChange): Promise<GitRemote> {
    const body = await firstValueFrom(
      this.http.put<unknown>(this.remoteUrl(projectId), {
        url: change.url,
        branch: change.branch,
        ...(change.token ? { token: change.token } : {}),
      }),
    );
    return parseGitRemote(body);
  }

  async push(projectId: string): Promise<GitRemote> {
    const body = await firstValueFrom(
      this.http.post<unknown>(`${this.remoteUrl(projectId)}/push`, {}, { context: longRequest() }),
    );
    return parseGitRemote(body);
  }

  async importGit(source: { url: string; branch: string; token: string }): Promise<Project> {
    const body = await firstValueFrom(
      this.http.post<unknown>(
        `${PROJECTS_URL}/import/git`,
        {
          url: source.url,
          ...(source.branch ? { branch: source.branch } : {}),
          ...(source.token ? { token: source.token } : {}),
        },
        { context: longRequest() },
      ),
    );
    return parseProject(body, 'the imported project');
  }

  async importZip(file: Blob): Promise<Project> {
    const body = await firstValueFrom(
      this.http.post<unknown>(`${PROJECTS_URL}/import/zip`, file, {
        headers: { 'content-type': 'application/zip' },
        context: longRequest(),
      }),
    );
    return parseProject(body, 'the imported project');
  }
}
