import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import {
  AgentStateRepository,
  GeneratedFileRepository,
  LeaseRepository,
  UsageRepository,
  VersionRepository,
} from '@forge/db';
import {
  type FileEncoding,
  type ProjectFile,
  sameFileContent,
  type UnsequencedEvent,
  type VersionReason,
} from '@forge/protocol';
import { AgentStore, encodingColumn, LeaseLostError } from './agent-store';

/** A version as the runner announces it. */
export interface RecordedVersion {
  number: number;
  reason: VersionReason;
  label: string;
  createdAt: string;
  /** False when the files were those of the latest version already: that one is answered. */
  created: boolean;
}

/** One path of a rollback: its content in the restored version, or null when it goes away. */
export interface RestoredFile {
  path: string;
  content: string | null;
  encoding?: FileEncoding;
}

type FileRow = ProjectFile;

/**
 * The project's versions: the whole generated file set after every phase, fix, edit and
 * rollback (DESIGN.md "Data"), and the user's edits and rollbacks, which write files and record
 * their version in one transaction while this runner holds the project's lease.
 */
@Injectable()
export class ProjectHistory {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: AgentStore,
    private readonly leases: LeaseRepository,
    private readonly states: AgentStateRepository,
    private readonly generatedFiles: GeneratedFileRepository,
    private readonly versions: VersionRepository,
    private readonly usage: UsageRepository,
  ) {}

  /**
   * Records the current files as a version, unless they are those of the latest version already
   * (a resumed phase, or an edit that changed nothing): then that version is answered as it is.
   */
  record(projectId: string, reason: VersionReason, label: string): Promise<RecordedVersion> {
    return this.dataSource.transaction((manager) =>
      this.recordIn(manager, projectId, reason, label),
    );
  }

  /** Saves a user's edit of one file and records it as a version. */
  saveEdit(
    projectId: string,
    runnerId: string,
    file: { path: string; content: string; phase: number },
  ): Promise<RecordedVersion> {
    return this.dataSource.transaction(async (manager) => {
      await this.assertLease(manager, projectId, runnerId);
      await this.writeFiles(manager, projectId, file.phase, [file]);
      return this.recordIn(manager, projectId, 'edit', `Edited ${file.path}`);
    });
  }

  /**
   * Makes the project's files those of version `number` again and records that as a new
   * version. Answers null when there is no such version; otherwise the paths that changed.
   */
  restore(
    projectId: string,
    runnerId: string,
    number: number,
    phase: number,
  ): Promise<{ version: RecordedVersion; changed: RestoredFile[] } | null> {
    return this.dataSource.transaction(async (manager) => {
      await this.assertLease(manager, projectId, runnerId);
      const files = await this.versions.files(projectId, number, manager);
      if (!files) {
        return null;
      }
      const target = new Map(files.map((file) => [file.path, file]));
      const current = await this.store.files(projectId, manager);
      const changed: RestoredFile[] = [];
      for (const path of current.keys()) {
        if (!target.has(path)) {
          changed.push({ path, content: null });
        }
      }
      for (const [path, file] of target) {
        const now = current.get(path);
        if (!now || !sameFileContent(now, file)) {
          changed.push(file);
        }
      }
      changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      // A starter file the version lacks is the starter's again (see AgentSupervisor.rollback).
      await this.states.undelete(
        manager,
        projectId,
        changed.map((file) => file.path),
      );
      const removed = changed.filter((file) => file.content === null).map((file) => file.path);
      if (removed.length) {
        await this.generatedFiles.remove(manager, projectId, removed);
      }
      await this.writeFiles(
        manager,
        projectId,
        phase,
        changed.flatMap((file) =>
          file.content === null ? [] : [{ ...file, content: file.content }],
        ),
      );
      // The files are now those of the version, as it holds them (in path order).
      const version = await this.recordIn(
        manager,
        projectId,
        'rollback',
        `Restored version ${number}`,
        files,
      );
      return { version, changed };
    });
  }

  /** Records `files`, read from the database when not given, as the project's next version. */
  private async recordIn(
    manager: EntityManager,
    projectId: string,
    reason: VersionReason,
    label: string,
    given?: FileRow[],
  ): Promise<RecordedVersion> {
    const files =
      given ??
      [...(await this.store.files(projectId, manager))].map(([path, body]) => ({
        path,
        ...body,
      }));
    const last = await this.versions.latest(manager, projectId);
    if (last && sameFiles(last.files, files)) {
      return {
        number: last.number,
        reason: last.reason,
        label: last.label,
        createdAt: new Date(last.created_at).toISOString(),
        created: false,
      };
    }
    const row = await this.versions.insert(manager, {
      projectId,
      number: (last?.number ?? 0) + 1,
      reason,
      label,
      files,
    });
    const createdAt = new Date(row.created_at).toISOString();
    return { number: row.number, reason, label, createdAt, created: true };
  }

  /** Locks the project's state row, which must be leased to this runner. */
  /**
   * The generated files as they were before the running request: those of the latest version
   * recorded before its message (none for a first request). Edits are refused while a request
   * runs, so no version falls between.
   */
  async filesBeforeRequest(projectId: string): Promise<Map<string, string>> {
    const files = await this.versions.filesBeforeLastRequest(projectId);
    return new Map(files.map((file) => [file.path, file.content]));
  }

  /** Tokens and cost of the LLM calls since the running request's message (cost: null if none said). */
  async requestUsage(
    projectId: string,
  ): Promise<{ tokens: number; costUsd: number | null; calls: number }> {
    const row = await this.usage.sinceLastRequest(projectId);
    return {
      tokens: Number(row?.tokens ?? 0),
      costUsd: row?.cost == null ? null : Number(row.cost),
      calls: Number(row?.calls ?? 0),
    };
  }

  private async assertLease(
    manager: EntityManager,
    projectId: string,
    runnerId: string,
  ): Promise<void> {
    if (!(await this.leases.lockHeld(manager, projectId, runnerId))) {
      throw new LeaseLostError(projectId);
    }
  }

  /** Writes the user's files (an edit, a restored version); each keeps the phase it had. */
  private async writeFiles(
    manager: EntityManager,
    projectId: string,
    phase: number,
    files: FileRow[],
  ): Promise<void> {
    if (files.length === 0) {
      return;
    }
    await this.generatedFiles.write(
      manager,
      projectId,
      phase,
      files.map((file) => ({ ...file, encoding: encodingColumn(file) })),
    );
  }
}

/** The version_created event of a version just made; null when none was (nothing changed). */
export function versionCreatedEvent(version: RecordedVersion): UnsequencedEvent | null {
  if (!version.created) {
    return null;
  }
  const { number, reason, label, createdAt } = version;
  return { type: 'version_created', number, reason, label, createdAt };
}

function sameFiles(a: FileRow[], b: FileRow[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  const byPath = new Map(a.map((file) => [file.path, file]));
  return b.every((file) => {
    const other = byPath.get(file.path);
    return other !== undefined && sameFileContent(other, file);
  });
}
