import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  type VersionDiff,
  type VersionFileStatus,
  type VersionReason,
  type VersionSummary,
} from '@forge/protocol/agent/versions';
import { firstValueFrom } from 'rxjs';
import { ProjectResponseError } from '../../project/project.model';
import { projectUrl, record } from '../workspace-api.service';

const REASONS: ReadonlySet<string> = new Set<VersionReason>(['phase', 'fix', 'edit', 'rollback']);
const FILE_STATUSES: ReadonlySet<string> = new Set<VersionFileStatus>([
  'added',
  'removed',
  'changed',
]);

/** GET …/versions: newest first, as the API sends them. */
export function parseVersionList(body: unknown): VersionSummary[] {
  const what = 'the version list';
  const { versions } = record(body, what);
  if (!Array.isArray(versions)) {
    throw new ProjectResponseError(what);
  }
  return versions.map((item: unknown): VersionSummary => {
    const { number, reason, label, createdAt, fileCount } = record(item, what);
    if (
      typeof number !== 'number' ||
      typeof reason !== 'string' ||
      !REASONS.has(reason) ||
      typeof label !== 'string' ||
      typeof createdAt !== 'string' ||
      typeof fileCount !== 'number'
    ) {
      throw new ProjectResponseError(what);
    }
    return { number, reason: reason as VersionReason, label, createdAt, fileCount };
  });
}

/** GET …/versions/:n/diff: each changed file with its unified diff. */
export function parseVersionDiff(body: unknown): VersionDiff {
  const what = "a version's changes";
  const { number, against, files } = record(body, what);
  if (
    typeof number !== 'number' ||
    (against !== null && typeof against !== 'number') ||
    !Array.isArray(files)
  ) {
    throw new ProjectResponseError(what);
  }
  return {
    number,
    against,
    files: files.map((file: unknown) => {
      const { path, status, diff } = record(file, what);
      if (
        typeof path !== 'string' ||
        typeof status !== 'string' ||
        !FILE_STATUSES.has(status) ||
        typeof diff !== 'string'
      ) {
        throw new ProjectResponseError(what);
      }
      return { path, status: status as VersionFileStatus, diff };
    }),
  };
}

/** The project's history over REST; loaded with the versions panel. */
@Injectable({ providedIn: 'root' })
export class VersionsApiService {
  private readonly http = inject(HttpClient);

  async list(projectId: string): Promise<VersionSummary[]> {
    const body = await firstValueFrom(this.http.get<unknown>(`${projectUrl(projectId)}/versions`));
    return parseVersionList(body);
  }

  async diff(projectId: string, version: number): Promise<VersionDiff> {
    const body = await firstValueFrom(
      this.http.get<unknown>(`${projectUrl(projectId)}/versions/${version}/diff`),
    );
    return parseVersionDiff(body);
  }
}
