import { Injectable } from '@nestjs/common';
import { GeneratedFileRepository } from '@forge/db';
import { base64ByteLength, encodingOf, type FileEncoding } from '@forge/protocol';
import { FileError } from './file.error';
import { ProjectsService } from '../projects/projects.service';

export interface FileEntryDto {
  path: string;
  /** In bytes (UTF-8 for text, decoded for a binary file). */
  size: number;
  updatedAt: string;
}

export interface FileDto extends FileEntryDto {
  /** The text, or with encoding 'base64' the base64 of a binary file's bytes. */
  content: string;
  encoding?: FileEncoding;
}

@Injectable()
export class FilesService {
  constructor(
    private readonly generatedFiles: GeneratedFileRepository,
    private readonly projects: ProjectsService,
  ) {}

  /** Every file of the project, sorted by path (the client folds them into a tree). */
  async list(ownerId: string, projectId: string): Promise<{ files: FileEntryDto[] }> {
    await this.projects.assertOwned(ownerId, projectId);
    const rows = await this.generatedFiles.list(projectId);
    return {
      files: rows.map((row) => ({
        path: row.path,
        size: row.size,
        updatedAt: row.updated_at.toISOString(),
      })),
    };
  }

  async read(ownerId: string, projectId: string, path: string): Promise<FileDto> {
    await this.projects.assertOwned(ownerId, projectId);
    const file = await this.generatedFiles.findOne(projectId, path);
    if (!file) {
      throw FileError.notFound(path);
    }
    return {
      path: file.path,
      content: file.content,
      ...encodingOf(file.encoding === 'base64' ? 'base64' : null),
      size:
        file.encoding === 'base64'
          ? base64ByteLength(file.content)
          : Buffer.byteLength(file.content),
      updatedAt: file.updatedAt.toISOString(),
    };
  }
}
