import { AppError } from '@forge/nest-common';

export enum GitIoErrorCode {
  PushOff = 'GIT_PUSH_OFF',
  Unavailable = 'GIT_UNAVAILABLE',
  BadRemoteUrl = 'GIT_BAD_REMOTE_URL',
  BadBranch = 'GIT_BAD_BRANCH',
  NoRemote = 'GIT_NO_REMOTE',
  AuthFailed = 'GIT_AUTH_FAILED',
  RemoteFailed = 'GIT_REMOTE_FAILED',
  BranchMoved = 'GIT_BRANCH_MOVED',
  Timeout = 'GIT_TIMEOUT',
  PushTooLarge = 'GIT_PUSH_TOO_LARGE',
  NothingToPush = 'GIT_NOTHING_TO_PUSH',
  ImportNoBranch = 'IMPORT_NO_BRANCH',
  ImportTooLarge = 'IMPORT_TOO_LARGE',
  ImportTooManyFiles = 'IMPORT_TOO_MANY_FILES',
  ImportBadArchive = 'IMPORT_BAD_ARCHIVE',
  ImportBadPath = 'IMPORT_BAD_PATH',
  ImportLink = 'IMPORT_LINK',
  ImportNotAnApp = 'IMPORT_NOT_AN_APP',
}

/** Errors of git push and of imports (git or zip); messages never carry a token. */
export class GitIoError extends AppError {
  static pushOff(): GitIoError {
    return new GitIoError(
      GitIoErrorCode.PushOff,
      'Git push is off on this server: GIT_TOKEN_KEY is not set.',
      503,
    );
  }

  static unavailable(): GitIoError {
    return new GitIoError(
      GitIoErrorCode.Unavailable,
      'git is not installed where the API runs (an image built with INSTALL_GIT=0): git push and git imports are off.',
      503,
    );
  }

  static badRemoteUrl(reason: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.BadRemoteUrl,
      `The git URL is not accepted: ${reason}.`,
      400,
    );
  }

  static badBranch(): GitIoError {
    return new GitIoError(
      GitIoErrorCode.BadBranch,
      'The branch name is not a valid git branch name (letters, digits, / . _ -).',
      400,
    );
  }

  static noRemote(): GitIoError {
    return new GitIoError(
      GitIoErrorCode.NoRemote,
      'This project has no git remote yet: set a URL and a branch first.',
      409,
    );
  }

  static authFailed(host: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.AuthFailed,
      `${host} refused the credentials: check the token (and that it may write to the repository).`,
      400,
    );
  }

  static remoteFailed(host: string, detail: string): GitIoError {
    return new GitIoError(GitIoErrorCode.RemoteFailed, `git with ${host} failed: ${detail}`, 502);
  }

  static branchMoved(branch: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.BranchMoved,
      `The branch ${branch} on the remote is not where Forge left it (or exists already and Forge never pushed to it): push to a new branch.`,
      409,
    );
  }

  static timeout(setting: string, ms: number): GitIoError {
    return new GitIoError(
      GitIoErrorCode.Timeout,
      `git did not finish within ${ms} ms (${setting}).`,
      504,
    );
  }

  static pushTooLarge(bytes: number, max: number): GitIoError {
    return new GitIoError(
      GitIoErrorCode.PushTooLarge,
      `The versions to push hold ${bytes} bytes of files; the limit (GIT_PUSH_MAX_BYTES) is ${max}.`,
      413,
    );
  }

  static nothingToPush(): GitIoError {
    return new GitIoError(GitIoErrorCode.NothingToPush, 'The project has no versions yet.', 409);
  }

  static noBranch(branch: string | null): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportNoBranch,
      branch
        ? `The repository has no commit on ${branch}.`
        : 'The repository has no commit on its default branch (HEAD): name the branch to import.',
      400,
    );
  }

  static importTooLarge(detail: string, max: number): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportTooLarge,
      `The import is too large: ${detail}; the limit (IMPORT_MAX_BYTES) is ${max} bytes.`,
      413,
    );
  }

  static importTooManyFiles(count: number, max: number): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportTooManyFiles,
      `The import holds ${count} entries; the limit (IMPORT_MAX_FILES) is ${max} (leave node_modules and dist out).`,
      413,
    );
  }

  static badArchive(reason: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportBadArchive,
      `The zip cannot be read: ${reason}.`,
      400,
    );
  }

  static badPath(path: string, reason: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportBadPath,
      `The import holds a file at ${JSON.stringify(path.slice(0, 200))}: ${reason}. Nothing was imported.`,
      400,
    );
  }

  static link(path: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportLink,
      `The import holds a symbolic link (${JSON.stringify(path.slice(0, 200))}); links are refused. Nothing was imported.`,
      400,
    );
  }

  static notAnApp(reason: string): GitIoError {
    return new GitIoError(
      GitIoErrorCode.ImportNotAnApp,
      `This is not a Vite + React app Forge can take: ${reason}.`,
      400,
    );
  }
}
