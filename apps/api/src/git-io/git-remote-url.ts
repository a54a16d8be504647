import { isIP } from 'node:net';
import { GitIoError } from './git-io.error';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') {
    return true;
  }
  if (isIP(host) === 4) {
    return host.startsWith('127.');
  }
  return host === '::1';
}

/**
 * A git remote Forge talks to: https only (http on a loopback address when
 * GIT_ALLOW_HTTP_LOOPBACK allows it, for tests), no credentials in the URL (the token travels in
 * a header, never in a URL that lands in logs or .git/config). Answers the URL to store.
 */
export function checkRemoteUrl(raw: string, allowHttpLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw GitIoError.badRemoteUrl(
      'it is not an absolute URL such as https://github.com/me/app.git',
    );
  }
  if (url.username || url.password) {
    throw GitIoError.badRemoteUrl('put the token in the token field, not in the URL');
  }
  if (url.search || url.hash) {
    throw GitIoError.badRemoteUrl('a query or a fragment has no place in a git URL');
  }
  if (url.protocol === 'http:') {
    if (!(allowHttpLoopback && isLoopback(url.hostname))) {
      throw GitIoError.badRemoteUrl('only https:// remotes are allowed');
    }
  } else if (url.protocol !== 'https:') {
    throw GitIoError.badRemoteUrl('only https:// remotes are allowed');
  }
  return url;
}

/** git check-ref-format's rules for a branch, the common subset. */
export function checkBranch(branch: string): string {
  const ok =
    /^[A-Za-z0-9._/-]{1,200}$/.test(branch) &&
    !branch.startsWith('-') &&
    !branch.startsWith('/') &&
    !branch.endsWith('/') &&
    !branch.endsWith('.') &&
    !branch.endsWith('.lock') &&
    !branch.includes('..') &&
    !branch.includes('//') &&
    !branch.split('/').some((part) => part.startsWith('.'));
  if (!ok) {
    throw GitIoError.badBranch();
  }
  return branch;
}
