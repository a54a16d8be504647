import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import {
  AgentStateRepository,
  GeneratedFileRepository,
  ProjectRepository,
  VersionRepository,
} from '@forge/db';
import { listTemplatePaths } from '@forge/sandbox/template';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { type ProjectDto } from '../projects/dto/project.dto';
import { ProjectsService } from '../projects/projects.service';
import { runGit } from './git-command';
import { GitIoError } from './git-io.error';
import { checkBranch, checkRemoteUrl } from './git-remote-url';
import {
  checkViteReactApp,
  type ImportedFile,
  type ImportEntry,
  selectImportEntries,
  toImportedFile,
} from './import-files';
import { listZip, readZipEntry } from './zip-reader';

/** How often a running clone's folder is measured against IMPORT_MAX_BYTES. */
const CLONE_SIZE_CHECK_MS = 200;
const PROJECT_NAME_MAX = 100;

interface TreeEntry extends ImportEntry {
  object: string;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

/**
 * New projects from a git repository (a shallow bare clone: nothing is checked out, so no path
 * of the repository is ever written to disk) or from an uploaded zip (read in memory). Either
 * way the app's files become version 1 in one transaction: a refused import leaves nothing.
 */
@Injectable()
export class ProjectImportService {
  private readonly logger = new Logger(ProjectImportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly projects: ProjectsService,
    private readonly projectRows: ProjectRepository,
    private readonly states: AgentStateRepository,
    private readonly generatedFiles: GeneratedFileRepository,
    private readonly versions: VersionRepository,
  ) {}

  async fromZip(ownerId: string, zip: Buffer, name?: string): Promise<ProjectDto> {
    const limits = {
      maxBytes: this.config.IMPORT_MAX_BYTES,
      maxFiles: this.config.IMPORT_MAX_FILES,
    };
    const selected = selectImportEntries(listZip(zip, this.config.IMPORT_MAX_FILES), limits);
    const files = selected.map(({ entry, path }) => toImportedFile(path, readZipEntry(zip, entry)));
    const app = checkViteReactApp(files);
    return this.save(ownerId, name || app.name || 'Imported app', 'Imported from a zip', files);
  }

  async fromGit(
    ownerId: string,
    source: { url: string; branch?: string; token?: string; name?: string },
  ): Promise<ProjectDto> {
    const url = checkRemoteUrl(source.url, this.config.GIT_ALLOW_HTTP_LOOPBACK);
    const branch = source.branch ? checkBranch(source.branch) : null;
    const dir = await mkdtemp(join(tmpdir(), 'forge-import-'));
    const deadline = {
      at: Date.now() + this.config.IMPORT_TIMEOUT_MS,
      setting: 'IMPORT_TIMEOUT_MS',
      ms: this.config.IMPORT_TIMEOUT_MS,
    };
    const common = {
      cwd: dir,
      host: url.host,
      deadline,
      auth: source.token ? { username: 'forge', token: source.token } : null,
    };
    const controller = new AbortController();
    const max = this.config.IMPORT_MAX_BYTES;
    const watch = setInterval(() => {
      // git creates and renames files as it goes: a folder gone mid-walk is measured next time.
      folderBytes(dir).then(
        (bytes) => {
          if (bytes > max && !controller.signal.aborted) {
            controller.abort(GitIoError.importTooLarge(`the clone passed ${bytes} bytes`, max));
          }
        },
        () => undefined,
      );
    }, CLONE_SIZE_CHECK_MS);
    try {
      await runGit({
        ...common,
        signal: controller.signal,
        args: [
          'clone',
          '--bare',
          '--depth=1',
          '--no-tags',
          '--single-branch',
          ...(branch ? ['--branch', branch] : []),
          '--',
          url.href,
          'repo',
        ],
      });
      clearInterval(watch);
      const repo = { ...common, cwd: join(dir, 'repo'), auth: null };
      const head = await runGit({
        ...repo,
        args: ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'],
      }).catch(() => null);
      if (!head) {
        throw GitIoError.noBranch(branch);
      }
      const listing: Buffer[] = [];
      await runGit({
        ...repo,
        args: ['ls-tree', '-r', '-l', '-z', 'HEAD'],
        onStdout: (chunk) => listing.push(chunk),
      });
      const entries = parseTree(Buffer.concat(listing).toString('utf8'));
      const selected = selectImportEntries(entries, {
        maxBytes: max,
        maxFiles: this.config.IMPORT_MAX_FILES,
      });
      const blobs = await readBlobs(
        repo,
        selected.map(({ entry }) => entry.object),
      );
      const files = selected.map(({ entry, path }, index) => {
        const bytes = blobs[index];
        if (!bytes) {
          throw GitIoError.remoteFailed(url.host, `the object of ${entry.name} is missing`);
        }
        return toImportedFile(path, bytes);
      });
      const app = checkViteReactApp(files);
      const repoName = url.pathname
        .split('/')
        .filter(Boolean)
        .at(-1)
        ?.replace(/\.git$/, '');
      return await this.save(
        ownerId,
        source.name || repoName || app.name || 'Imported app',
        `Imported from ${url.host}${url.pathname}${branch ? ` (${branch})` : ''}`,
        files,
      );
    } finally {
      clearInterval(watch);
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) =>
        this.logger.warn(`could not remove ${dir}: ${(error as Error).message}`),
      );
    }
  }

  private async save(
    ownerId: string,
    name: string,
    label: string,
    files: ImportedFile[],
  ): Promise<ProjectDto> {
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    // The app is whole as imported: the starter's other files (its server, tools, config) stay
    // out of its sandbox and its zip, as files the agent deleted do. Paths only, already sorted;
    // the template's bun.lock is not among them (the install brings it in line).
    const imported = new Set(files.map((file) => file.path));
    const deletedPaths = (await listTemplatePaths()).filter((path) => !imported.has(path));
    const id = await this.dataSource.transaction(async (manager) => {
      const projectId = await this.projectRows.create(manager, {
        ownerId,
        name: name.slice(0, PROJECT_NAME_MAX),
        description: label,
      });
      await this.states.createDeleting(manager, projectId, deletedPaths);
      await this.generatedFiles.insertNew(
        manager,
        projectId,
        sorted.map((file) => ({
          path: file.path,
          content: file.content,
          encoding: file.encoding ?? 'utf8',
        })),
      );
      await this.versions.insert(manager, {
        projectId,
        number: 1,
        reason: 'edit',
        label,
        files: sorted.map((file) =>
          file.encoding
            ? { path: file.path, content: file.content, encoding: file.encoding }
            : { path: file.path, content: file.content },
        ),
      });
      return projectId;
    });
    return this.projects.get(ownerId, id);
  }
}

/** `git ls-tree -r -l -z` output: blobs, links (mode 120000) and submodules (left out). */
function parseTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (!record) {
      continue;
    }
    const tab = record.indexOf('\t');
    const [mode, type, object, size] = record.slice(0, tab).split(/ +/);
    const name = record.slice(tab + 1);
    if (type === 'commit') {
      continue;
    }
    entries.push({
      name,
      object: object ?? '',
      directory: false,
      link: mode === '120000',
      size: Number(size),
    });
  }
  return entries;
}

/** The blobs' bytes, in order, through one `git cat-file --batch`. */
async function readBlobs(
  run: Omit<Parameters<typeof runGit>[0], 'args'>,
  objects: string[],
): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  await runGit({
    ...run,
    args: ['cat-file', '--batch'],
    input: objects.map((object) => `${object}\n`).join(''),
    onStdout: (chunk) => chunks.push(chunk),
  });
  const out = Buffer.concat(chunks);
  const blobs: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < objects.length; i++) {
    const newline = out.indexOf(0x0a, at);
    const header = out.toString('utf8', at, newline).split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isFinite(size)) {
      throw GitIoError.badArchive(`git could not read object ${objects[i]}`);
    }
    blobs.push(out.subarray(newline + 1, newline + 1 + size));
    at = newline + 1 + size + 1;
  }
  return blobs;
}
