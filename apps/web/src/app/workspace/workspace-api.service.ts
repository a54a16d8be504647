import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { type ChatMessageView } from '@forge/protocol/socket/project-snapshot';
import { firstValueFrom } from 'rxjs';
import { PROJECTS_URL } from '../project/projects.service';
import { ProjectResponseError } from '../project/project.model';
import { fileNameFromDisposition, withJsonErrorBody } from './project-download';

/** Messages asked for per page of chat history; the API allows up to PROJECTS_PAGE_SIZE_MAX. */
export const MESSAGES_PAGE_SIZE = 50;

export interface MessagePage {
  readonly items: readonly ChatMessageView[];
  /** Pages back to older messages; null when there are none. */
  readonly nextCursor: string | null;
}

export interface FileEntry {
  readonly path: string;
  readonly size: number;
}

/** A preview link, or why there is none yet. */
export type PreviewLink =
  { readonly status: 'ready'; readonly url: string } | { readonly status: 'not-running' };

export interface ProjectZip {
  readonly blob: Blob;
  /** The name the API gave it, when its header can be read. */
  readonly fileName: string | null;
}

const ROLES = new Set(['user', 'assistant', 'system']);

export function record(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProjectResponseError(what);
  }
  return body as Record<string, unknown>;
}

export function parseMessagePage(body: unknown): MessagePage {
  const what = 'the chat history';
  const { items, nextCursor } = record(body, what);
  if (!Array.isArray(items) || (nextCursor != null && typeof nextCursor !== 'string')) {
    throw new ProjectResponseError(what);
  }
  return {
    items: items.map((item: unknown): ChatMessageView => {
      const { id, role, content, createdAt } = record(item, what);
      if (
        typeof id !== 'string' ||
        typeof role !== 'string' ||
        !ROLES.has(role) ||
        typeof content !== 'string' ||
        typeof createdAt !== 'string'
      ) {
        throw new ProjectResponseError(what);
      }
      return { id, role: role as ChatMessageView['role'], content, createdAt };
    }),
    nextCursor: nextCursor ?? null,
  };
}

export function parseFileList(body: unknown): FileEntry[] {
  const what = 'the file list';
  const { files } = record(body, what);
  if (!Array.isArray(files)) {
    throw new ProjectResponseError(what);
  }
  return files.map((file: unknown) => {
    const { path, size } = record(file, what);
    if (typeof path !== 'string' || typeof size !== 'number') {
      throw new ProjectResponseError(what);
    }
    return { path, size };
  });
}

/**
 * Accepts only an http(s) URL: it becomes an iframe's src, and a `javascript:` one would run in
 * this page's origin.
 */
export function parsePreviewUrl(body: unknown): string {
  const what = 'the preview link';
  const { url } = record(body, what);
  if (typeof url !== 'string') {
    throw new ProjectResponseError(what);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProjectResponseError(what);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ProjectResponseError(what);
  }
  return parsed.href;
}

/** Each segment escaped, the slashes kept: the API reads `…/files/*path`. */
export function fileUrl(projectId: string, path: string): string {
  const segments = path.split('/').map(encodeURIComponent).join('/');
  return `${projectUrl(projectId)}/files/${segments}`;
}

export function projectUrl(projectId: string): string {
  return `${PROJECTS_URL}/${encodeURIComponent(projectId)}`;
}

/** The REST side of the workspace: chat history, files and the preview link. */
@Injectable({ providedIn: 'root' })
export class WorkspaceApiService {
  private readonly http = inject(HttpClient);

  async messages(projectId: string, cursor: string | null = null): Promise<MessagePage> {
    let params = new HttpParams().set('limit', MESSAGES_PAGE_SIZE);
    if (cursor) {
      params = params.set('cursor', cursor);
    }
    const body = await firstValueFrom(
      this.http.get<unknown>(`${projectUrl(projectId)}/messages`, { params }),
    );
    return parseMessagePage(body);
  }

  async files(projectId: string): Promise<FileEntry[]> {
    return parseFileList(
      await firstValueFrom(this.http.get<unknown>(`${projectUrl(projectId)}/files`)),
    );
  }

  /** A file's text, or with `binary` the base64 of its bytes. */
  async fileContent(
    projectId: string,
    path: string,
  ): Promise<{ content: string; binary: boolean }> {
    const { content, encoding } = record(
      await firstValueFrom(this.http.get<unknown>(fileUrl(projectId, path))),
      'a file',
    );
    if (typeof content !== 'string') {
      throw new ProjectResponseError('a file');
    }
    return { content, binary: encoding === 'base64' };
  }

  /**
   * GET …/download: the project as a zip. Fetched with the session (the API may be on another
   * origin, where a plain link would go without the cookie); errors carry their JSON body.
   */
  async download(projectId: string): Promise<ProjectZip> {
    try {
      const response = await firstValueFrom(
        this.http.get(`${projectUrl(projectId)}/download`, {
          responseType: 'blob',
          observe: 'response',
        }),
      );
      if (!response.body) {
        throw new ProjectResponseError('the download');
      }
      return {
        blob: response.body,
        fileName: fileNameFromDisposition(response.headers.get('Content-Disposition')),
      };
    } catch (error: unknown) {
      throw await withJsonErrorBody(error);
    }
  }

  /** GET …/preview: a signed link on the preview origin, or 409 while no dev server runs. */
  async preview(projectId: string): Promise<PreviewLink> {
    try {
      const body = await firstValueFrom(this.http.get<unknown>(`${projectUrl(projectId)}/preview`));
      return { status: 'ready', url: parsePreviewUrl(body) };
    } catch (error: unknown) {
      if (error instanceof HttpErrorResponse && error.status === 409) {
        return { status: 'not-running' };
      }
      throw error;
    }
  }
}
