import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { type GitRemote, GitRemoteRepository, SecretCipher, VersionRepository } from '@forge/db';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { ProjectError } from '../projects/project.error';
import { ProjectsService } from '../projects/projects.service';
import { type GitRemoteDto, type SetGitRemoteDto } from './dto/git-remote.dto';
import { fastImportStream, type PushedVersion } from './fast-import';
import { runGit, type GitRun } from './git-command';
import { GitIoError } from './git-io.error';
import { checkBranch, checkRemoteUrl } from './git-remote-url';

const DEFAULT_USERNAME = 'forge';

function isForeignKeyViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23503'
  );
}

function toDto(row: GitRemote): GitRemoteDto {
  return {
    url: row.url,
    branch: row.branch,
    username: row.username,
    tokenSet: row.tokenCiphertext !== null,
    pushedVersion: row.pushedVersion,
    lastCommit: row.lastCommit,
    lastPushedAt: row.lastPushedAt?.toISOString() ?? null,
  };
}

/**
 * Pushes a project to a git remote: one commit per version not pushed yet (its label the
 * message, its time the commit's), built with `git fast-import` in a throw-away bare repository
 * on top of the commit the last push left, then `git push` without force. A branch that moved
 * on the remote is refused, never overwritten. The token is sealed with GIT_TOKEN_KEY and only
 * ever leaves the database as an Authorization header for git.
 */
@Injectable()
export class GitPushService {
  private readonly logger = new Logger(GitPushService.name);
  private readonly cipher: SecretCipher | null;

  constructor(
    private readonly remotes: GitRemoteRepository,
    private readonly versions: VersionRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectsService,
  ) {
    this.cipher = config.GIT_TOKEN_KEY
      ? new SecretCipher(config.GIT_TOKEN_KEY, 'GIT_TOKEN_KEY')
      : null;
  }

  async get(ownerId: string, projectId: string): Promise<GitRemoteDto | null> {
    await this.projects.assertOwned(ownerId, projectId);
    const row = await this.remotes.find(projectId);
    return row ? toDto(row) : null;
  }

  async set(ownerId: string, projectId: string, dto: SetGitRemoteDto): Promise<GitRemoteDto> {
    await this.projects.assertOwned(ownerId, projectId);
    const cipher = this.requireCipher();
    const url = checkRemoteUrl(dto.url, this.config.GIT_ALLOW_HTTP_LOOPBACK).href;
    const branch = checkBranch(dto.branch);
    const old = await this.remotes.find(projectId);
    const moved = !old || old.url !== url || old.branch !== branch;
    const row: Partial<GitRemote> & { projectId: string } = {
      projectId,
      url,
      branch,
      username: dto.username || DEFAULT_USERNAME,
      tokenCiphertext:
        dto.token !== undefined && dto.token !== ''
          ? cipher.seal(dto.token, projectId)
          : dto.clearToken
            ? null
            : (old?.tokenCiphertext ?? null),
      // Another remote or branch starts from nothing pushed.
      pushedVersion: moved ? null : old.pushedVersion,
      lastCommit: moved ? null : old.lastCommit,
      lastPushedAt: moved ? null : old.lastPushedAt,
    };
    try {
      await this.remotes.save(row);
    } catch (error) {
      // The project was deleted since it was checked, and its remote cannot outlive it.
      throw isForeignKeyViolation(error) ? ProjectError.notFound() : error;
    }
    return this.current(projectId);
  }

  async push(ownerId: string, projectId: string): Promise<GitRemoteDto> {
    await this.projects.assertOwned(ownerId, projectId);
    const cipher = this.requireCipher();
    const remote = await this.remotes.find(projectId);
    if (!remote) {
      throw GitIoError.noRemote();
    }
    const versions = await this.versions.since(projectId, remote.pushedVersion ?? 0);
    if (versions.length === 0) {
      if (remote.pushedVersion === null) {
        throw GitIoError.nothingToPush();
      }
      return toDto(remote);
    }
    const bytes = versions.reduce(
      (sum, version) => sum + version.files.reduce((total, file) => total + file.content.length, 0),
      0,
    );
    if (bytes > this.config.GIT_PUSH_MAX_BYTES) {
      throw GitIoError.pushTooLarge(bytes, this.config.GIT_PUSH_MAX_BYTES);
    }
    const url = new URL(remote.url);
    const token = remote.tokenCiphertext ? cipher.open(remote.tokenCiphertext, projectId) : null;
    const dir = await mkdtemp(join(tmpdir(), 'forge-push-'));
    const run: Omit<GitRun, 'args'> = {
      cwd: dir,
      host: url.host,
      auth: token ? { username: remote.username, token } : null,
      deadline: {
        at: Date.now() + this.config.GIT_PUSH_TIMEOUT_MS,
        setting: 'GIT_PUSH_TIMEOUT_MS',
        ms: this.config.GIT_PUSH_TIMEOUT_MS,
      },
    };
    const ref = `refs/heads/${remote.branch}`;
    try {
      await runGit({ ...run, args: ['init', '--quiet', '--bare', '.'] });
      const found = await runGit({ ...run, args: ['ls-remote', '--', remote.url, ref] });
      const head = found.stdout.split(/\s/)[0] || null;
      if (head !== remote.lastCommit) {
        throw GitIoError.branchMoved(remote.branch);
      }
      if (head) {
        await runGit({
          ...run,
          args: ['fetch', '--quiet', '--depth=1', '--no-tags', '--', remote.url, ref],
        });
      }
      const pushed: PushedVersion[] = versions.map((version) => ({
        number: version.number,
        label: version.label,
        files: version.files,
        createdAt: version.created_at,
      }));
      await runGit({
        ...run,
        args: ['fast-import', '--quiet', '--done'],
        input: fastImportStream(pushed, 'refs/heads/forge', head),
      });
      const commit = (
        await runGit({ ...run, args: ['rev-parse', 'refs/heads/forge'] })
      ).stdout.trim();
      await runGit({
        ...run,
        args: ['push', '--quiet', '--', remote.url, `refs/heads/forge:${ref}`],
      });
      const last = versions.at(-1)!.number;
      // Only if no other push of the same remote finished meanwhile (git refused one of them).
      await this.remotes.recordPush(projectId, remote.lastCommit, {
        pushedVersion: last,
        lastCommit: commit,
        lastPushedAt: new Date(),
      });
      this.logger.log(`project ${projectId}: pushed versions up to ${last} to ${url.host}`);
      return await this.current(projectId);
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** The remote as it is now; the project was deleted meanwhile when it has none. */
  private async current(projectId: string): Promise<GitRemoteDto> {
    const row = await this.remotes.find(projectId);
    if (!row) {
      throw ProjectError.notFound();
    }
    return toDto(row);
  }

  private requireCipher(): SecretCipher {
    if (!this.cipher) {
      throw GitIoError.pushOff();
    }
    return this.cipher;
  }
}
