import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AgentStateRow, GeneratedFile } from '@forge/db';
import { checkProjectPath } from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProjectsService } from '../projects/projects.service';
import { downloadPackageJson, phaseDependencies, projectSlug } from './app-package-json';
import { DownloadError } from './download.error';
import { readStarterTemplate } from './starter-template';
import { writeZip, type ZipEntry } from './zip-writer';

const PACKAGE_JSON = 'package.json';

/** A file of the starter template the project has not replaced, as the code view shows it. */
export interface StarterFileDto {
  path: string;
  size: number;
  /** The text; null for a file that is not UTF-8 text (an image). */
  content: string | null;
}

export interface ProjectArchive {
  fileName: string;
  zip: Buffer;
}

@Injectable()
export class DownloadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /**
   * The project as a zip a user runs with `npm install && npm run dev`: the starter template
   * (without bun.lock) under the project's current files. Unless the agent wrote its own
   * package.json, the template's is renamed after the project and given the packages the agent
   * installed, which the sandbox added with bun but no stored file records.
   */
  async archive(ownerId: string, projectId: string): Promise<ProjectArchive> {
    const project = await this.projects.get(ownerId, projectId);
    const slug = projectSlug(project.name);
    const generated = await this.generatedSizes(projectId);
    const files = new Map<string, Buffer | string>();
    for (const file of await readStarterTemplate()) {
      if (!generated.has(file.path)) files.set(file.path, file.data);
    }
    const templateManifest = files.get(PACKAGE_JSON);
    if (templateManifest !== undefined) {
      files.set(
        PACKAGE_JSON,
        downloadPackageJson(templateManifest.toString(), slug, await this.dependencies(projectId)),
      );
    }

    // Checked before the generated contents are loaded and compressed.
    let bytes = 0;
    for (const data of files.values()) bytes += Buffer.byteLength(data);
    for (const size of generated.values()) bytes += size;
    if (bytes > this.config.DOWNLOAD_MAX_BYTES) {
      throw DownloadError.tooLarge(bytes, this.config.DOWNLOAD_MAX_BYTES);
    }

    for (const file of await this.generatedFiles(projectId)) {
      if (generated.has(file.path)) files.set(file.path, file.content);
    }
    const entries: ZipEntry[] = [...files]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, data]) => ({ path, data }));
    return { fileName: `${slug}.zip`, zip: await writeZip(entries) };
  }

  /**
   * The starter files the project still has as they came (those it did not write itself), with
   * package.json as the zip holds it: named after the project, with the packages installed.
   */
  async starterFiles(ownerId: string, projectId: string): Promise<{ files: StarterFileDto[] }> {
    const project = await this.projects.get(ownerId, projectId);
    const generated = await this.generatedSizes(projectId);
    const files: StarterFileDto[] = [];
    for (const file of await readStarterTemplate()) {
      if (generated.has(file.path)) {
        continue;
      }
      let data: Buffer | string = file.data;
      if (file.path === PACKAGE_JSON) {
        const dependencies = await this.dependencies(projectId);
        data = downloadPackageJson(data.toString(), projectSlug(project.name), dependencies);
      }
      const size = Buffer.byteLength(data);
      files.push({ path: file.path, size, content: utf8Text(data) });
    }
    return { files };
  }

  /**
   * Size in bytes of each generated file that may go into a zip. Paths were checked when they
   * were written; they are checked again because this one lands on a user's disk.
   */
  private async generatedSizes(projectId: string): Promise<Map<string, number>> {
    const rows: { path: string; size: number }[] = await this.dataSource.query(
      `SELECT path, octet_length(content) AS size FROM generated_files WHERE project_id = $1`,
      [projectId],
    );
    return new Map(
      rows.filter((row) => checkProjectPath(row.path) === null).map((row) => [row.path, row.size]),
    );
  }

  private generatedFiles(projectId: string): Promise<Pick<GeneratedFile, 'path' | 'content'>[]> {
    return this.dataSource.getRepository(GeneratedFile).find({
      select: { path: true, content: true },
      where: { projectId },
    });
  }

  private async dependencies(projectId: string): Promise<string[]> {
    const state = await this.dataSource.getRepository(AgentStateRow).findOne({
      select: { projectId: true, phases: true },
      where: { projectId },
    });
    return phaseDependencies(state?.phases ?? []);
  }
}

/** The data as text when it is valid UTF-8 without NUL bytes, else null. */
function utf8Text(data: Buffer | string): string | null {
  if (typeof data === 'string') {
    return data;
  }
  if (data.includes(0)) {
    return null;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
}
