import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { ProjectResponseError } from '../../project/project.model';
import { PROJECTS_URL } from '../../project/projects.service';

/** A file of the starter template the project has not rewritten (package.json, index.html…). */
export interface StarterFile {
  readonly path: string;
  readonly size: number;
  /** Null for a file that is not text. */
  readonly content: string | null;
}

export function parseStarterFiles(body: unknown): StarterFile[] {
  const what = 'the starter files';
  const files =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['files'] : null;
  if (!Array.isArray(files)) {
    throw new ProjectResponseError(what);
  }
  return files.map((file: unknown): StarterFile => {
    const { path, size, content } =
      typeof file === 'object' && file !== null ? (file as Record<string, unknown>) : {};
    if (
      typeof path !== 'string' ||
      typeof size !== 'number' ||
      (content !== null && typeof content !== 'string')
    ) {
      throw new ProjectResponseError(what);
    }
    return { path, size, content };
  });
}

/** GET /api/projects/:id/starter-files: the template files the code view shows beside the app's. */
@Injectable({ providedIn: 'root' })
export class StarterFilesService {
  private readonly http = inject(HttpClient);

  async list(projectId: string): Promise<StarterFile[]> {
    const url = `${PROJECTS_URL}/${encodeURIComponent(projectId)}/starter-files`;
    return parseStarterFiles(await firstValueFrom(this.http.get<unknown>(url)));
  }
}
