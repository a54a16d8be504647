import { Injectable } from '@nestjs/common';
import { VersionRepository } from '@forge/db';
import { type VersionDiff, type VersionList } from '@forge/protocol';
import { ProjectsService } from '../projects/projects.service';
import { diffFileSets } from './file-set-diff';
import { VersionError } from './version.error';

@Injectable()
export class VersionsService {
  constructor(
    private readonly versions: VersionRepository,
    private readonly projects: ProjectsService,
  ) {}

  /** Every version of the project, newest first; the file sets stay in the database. */
  async list(ownerId: string, projectId: string): Promise<VersionList> {
    await this.projects.assertOwned(ownerId, projectId);
    const rows = await this.versions.summaries(projectId);
    return {
      versions: rows.map((row) => ({
        number: row.number,
        reason: row.reason,
        label: row.label,
        createdAt: row.created_at.toISOString(),
        fileCount: row.file_count,
      })),
    };
  }

  /**
   * What version `number` changed from the one before it (the highest number below it; numbers
   * need not be contiguous). The first version is compared with nothing: every file is added.
   */
  async diff(ownerId: string, projectId: string, number: number): Promise<VersionDiff> {
    await this.projects.assertOwned(ownerId, projectId);
    const [version, previous] = await this.versions.upTo(projectId, number);
    if (version?.number !== number) {
      throw VersionError.notFound(number);
    }
    return {
      number,
      against: previous?.number ?? null,
      files: diffFileSets(previous?.files ?? [], version.files),
    };
  }
}
