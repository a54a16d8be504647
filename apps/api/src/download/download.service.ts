import { Inject, Injectable } from '@nestjs/common';
import {
  type AgentStateRow,
  AgentStateRepository,
  type GeneratedFile,
  GeneratedFileRepository,
} from '@forge/db';
import { checkProjectPath, encodingOf } from '@forge/protocol';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProjectsService } from '../projects/projects.service';
import { phaseDependencies, projectSlug } from './app-package-json';
import { archiveEntries, starterEntries } from './project-archive';
import { DownloadError } from './download.error';
import { readStarterTemplate } from './starter-template';
import { writeZip } from './zip-writer';

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
    private readonly fileRows: GeneratedFileRepository,
    private readonly states: AgentStateRepository,
    private readonly projects: ProjectsService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /**
   * The project as a zip a user runs with `npm install && npm run dev`: the starter template
   * (without bun.lock) under the project's current files. Unless the agent wrote its own
   * package.json, the template's is renamed after the project and given the packages the agent
   * installed, which the sandbox added with bun but no stored file records. Unless it wrote a
   * README.md, one says how to install, migrate, run and build the app.
   */
  async archive(ownerId: string, projectId: string): Promise<ProjectArchive> {
    const project = await this.projects.get(ownerId, projectId);
    const slug = projectSlug(project.name);
    const generated = await this.generatedSizes(projectId);
    const state = await this.state(projectId);
    const sources = {
      starter: await readStarterTemplate(),
      name: project.name,
      deletedPaths: state?.deletedPaths ?? [],
      slug,
      dependencies: phaseDependencies(state?.phases ?? []),
    };

    // Checked before the generated contents are loaded and compressed.
    let bytes = 0;
    for (const entry of starterEntries({ ...sources, generatedPaths: new Set(generated.keys()) })) {
      bytes += Buffer.byteLength(entry.data);
    }
    for (const size of generated.values()) {
      bytes += size;
    }
    if (bytes > this.config.DOWNLOAD_MAX_BYTES) {
      throw DownloadError.tooLarge(bytes, this.config.DOWNLOAD_MAX_BYTES);
    }

    const files = (await this.generatedFiles(projectId))
      .filter((file) => generated.has(file.path))
      .map((file) => ({
        path: file.path,
        content: file.content,
        ...encodingOf(file.encoding === 'base64' ? 'base64' : null),
      }));
    const entries = archiveEntries({ ...sources, generated: files });
    return { fileName: `${slug}.zip`, zip: await writeZip(entries) };
  }

  /**
   * The starter files the project still has as they came (those it neither wrote nor deleted),
   * as the zip holds them: package.json named after the project, with the packages installed,
   * and the README the zip adds.
   */
  async starterFiles(ownerId: string, projectId: string): Promise<{ files: StarterFileDto[] }> {
    const project = await this.projects.get(ownerId, projectId);
    const generated = await this.generatedSizes(projectId);
    const state = await this.state(projectId);
    const starter = await readStarterTemplate();
    const entries = starterEntries({
      starter,
      deletedPaths: state?.deletedPaths ?? [],
      name: project.name,
      slug: projectSlug(project.name),
      dependencies: phaseDependencies(state?.phases ?? []),
      generatedPaths: new Set(generated.keys()),
    });
    // The starter's own files: the README the zip adds is not one of them.
    const templatePaths = new Set(starter.map((file) => file.path));
    const files = entries
      .filter((entry) => templatePaths.has(entry.path))
      .map((entry) => ({
        path: entry.path,
        size: Buffer.byteLength(entry.data),
        content: utf8Text(entry.data),
      }));
    return { files };
  }

  /**
   * Size in bytes of each generated file that may go into a zip. Paths were checked when they
   * were written; they are checked again because this one lands on a user's disk.
   */
  private async generatedSizes(projectId: string): Promise<Map<string, number>> {
    const rows = await this.fileRows.sizes(projectId);
    return new Map(
      rows.filter((row) => checkProjectPath(row.path) === null).map((row) => [row.path, row.size]),
    );
  }

  private generatedFiles(
    projectId: string,
  ): Promise<Pick<GeneratedFile, 'path' | 'content' | 'encoding'>[]> {
    return this.fileRows.all(projectId);
  }

  private state(projectId: string): Promise<Pick<AgentStateRow, 'phases' | 'deletedPaths'> | null> {
    return this.states.downloadState(projectId);
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
