import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { GeneratedFile } from '@forge/db';
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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
  ) {}

  /** Every file of the project, sorted by path (the client folds them into a tree). */
  async list(ownerId: string, projectId: string): Promise<{ files: FileEntryDto[] }> {
    await this.projects.assertOwned(ownerId, projectId);
    const rows: { path: string; size: number; updated_at: Date }[] = await this.dataSource.query(
      `SELECT path, updated_at, CASE WHEN encoding = 'base64'
         THEN octet_length(decode(content, 'base64')) ELSE octet_length(content) END AS size
       FROM generated_files
       WHERE project_id = $1 ORDER BY path COLLATE "C"`,
      [projectId],
    );
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
    const file = await this.dataSource.getRepository(GeneratedFile).findOneBy({ projectId, path });
    if (!file) throw FileError.notFound(path);
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
