import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, LessThanOrEqual } from 'typeorm';
import { Version } from '@forge/db';
import { type VersionDiff, type VersionList, type VersionReason } from '@forge/protocol';
import { ProjectsService } from '../projects/projects.service';
import { diffFileSets } from './file-set-diff';
import { VersionError } from './version.error';

interface VersionSummaryRow {
  number: number;
  reason: VersionReason;
  label: string;
  created_at: Date;
  file_count: number;
}

@Injectable()
export class VersionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
  ) {}

  /** Every version of the project, newest first; the file sets stay in the database. */
  async list(ownerId: string, projectId: string): Promise<VersionList> {
    await this.projects.assertOwned(ownerId, projectId);
    const rows: VersionSummaryRow[] = await this.dataSource.query(
      `SELECT number, reason, label, created_at, jsonb_array_length(files) AS file_count
       FROM versions WHERE project_id = $1 ORDER BY number DESC`,
      [projectId],
    );
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
    const [version, previous] = await this.dataSource.getRepository(Version).find({
      select: { number: true, files: true },
      where: { projectId, number: LessThanOrEqual(number) },
      order: { number: 'DESC' },
      take: 2,
    });
    if (version?.number !== number) throw VersionError.notFound(number);
    return {
      number,
      against: previous?.number ?? null,
      files: diffFileSets(previous?.files ?? [], version.files),
    };
  }
}
