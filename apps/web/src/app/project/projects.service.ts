import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import {
  type NewProject,
  type Project,
  type ProjectListQuery,
  type ProjectPage,
  parseProject,
  parseProjectPage,
} from './project.model';

export const PROJECTS_URL = '/api/projects';

/** The REST calls about projects; pages keep what they load in their own signals. */
@Injectable({ providedIn: 'root' })
export class ProjectsService {
  private readonly http = inject(HttpClient);

  async list(cursor: string | null = null, query: ProjectListQuery = {}): Promise<ProjectPage> {
    let params = new HttpParams();
    if (cursor) {
      params = params.set('cursor', cursor);
    }
    if (query.q?.trim()) {
      params = params.set('q', query.q.trim());
    }
    if (query.sort) {
      params = params.set('sort', query.sort);
    }
    const body = await firstValueFrom(this.http.get<unknown>(PROJECTS_URL, { params }));
    return parseProjectPage(body);
  }

  async get(id: string): Promise<Project> {
    const body = await firstValueFrom(
      this.http.get<unknown>(`${PROJECTS_URL}/${encodeURIComponent(id)}`),
    );
    return parseProject(body);
  }

  async create(project: NewProject): Promise<Project> {
    const { name, description } = project;
    const body = await firstValueFrom(this.http.post<unknown>(PROJECTS_URL, { name, description }));
    return parseProject(body, 'the new project');
  }

  async rename(id: string, name: string): Promise<Project> {
    const body = await firstValueFrom(
      this.http.patch<unknown>(`${PROJECTS_URL}/${encodeURIComponent(id)}`, { name }),
    );
    return parseProject(body, 'the renamed project');
  }

  /** Where the picture of the project's preview is; the time makes a new picture a new URL. */
  thumbnailUrl(project: Project): string | null {
    if (!project.thumbnailAt) {
      return null;
    }
    const version = encodeURIComponent(project.thumbnailAt);
    return `${PROJECTS_URL}/${encodeURIComponent(project.id)}/thumbnail?v=${version}`;
  }

  async remove(id: string): Promise<void> {
    await firstValueFrom(this.http.delete(`${PROJECTS_URL}/${encodeURIComponent(id)}`));
  }
}
