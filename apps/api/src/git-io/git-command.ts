import { spawn } from 'node:child_process';
import { GitIoError } from './git-io.error';

/** Bytes of git's stderr and stdout kept (stdout of cat-file is read in chunks by the caller). */
const OUTPUT_KEEP_BYTES = 64 * 1024;

export interface GitRun {
  /** Where git runs (a fresh temporary folder). */
  cwd: string;
  args: string[];
  /** Basic-auth credentials for the remote, sent as an http.extraHeader from the environment. */
  auth?: { username: string; token: string } | null;
  input?: Buffer | string | AsyncIterable<Buffer | string>;
  deadline: { at: number; setting: string; ms: number };
  /** The remote's host, for errors. */
  host: string;
  /** Receives stdout chunks instead of keeping them. */
  onStdout?: (chunk: Buffer) => void;
  env?: Record<string, string>;
  /** Stops git (killed); its reason is thrown. */
  signal?: AbortSignal;
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs the git binary with nothing from the user's or the system's git configuration, no
 * terminal prompt and, when a token is given, an `Authorization: Basic` header passed through
 * GIT_CONFIG_COUNT: never in argv (visible in ps), never in a URL, never in .git/config.
 * Output that could echo the token has it replaced before it goes anywhere.
 */
export async function runGit(run: GitRun): Promise<GitResult> {
  const remaining = run.deadline.at - Date.now();
  if (remaining <= 0) {
    throw GitIoError.timeout(run.deadline.setting, run.deadline.ms);
  }
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: run.cwd,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_ALLOW_PROTOCOL: 'http:https',
    LC_ALL: 'C',
    ...run.env,
  };
  const secrets: string[] = [];
  if (run.auth) {
    const basic = Buffer.from(`${run.auth.username}:${run.auth.token}`).toString('base64');
    secrets.push(run.auth.token, basic);
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.extraHeader';
    env['GIT_CONFIG_VALUE_0'] = `Authorization: Basic ${basic}`;
  }
  const redact = (text: string) =>
    secrets.reduce((out, secret) => out.split(secret).join('***'), text);

  const child = spawn('git', run.args, { cwd: run.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (run.onStdout) {
      run.onStdout(chunk);
    } else if (stdout.length < OUTPUT_KEEP_BYTES) {
      stdout += chunk.toString('utf8');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < OUTPUT_KEEP_BYTES) {
      stderr += chunk.toString('utf8');
    }
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, remaining);
  const onAbort = () => child.kill('SIGKILL');
  run.signal?.addEventListener('abort', onAbort, { once: true });
  const exit = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  child.stdin.on('error', () => undefined); // git may exit before reading all (an error follows)
  if (run.input !== undefined) {
    if (typeof run.input === 'string' || Buffer.isBuffer(run.input)) {
      child.stdin.end(run.input);
    } else {
      void (async () => {
        try {
          for await (const chunk of run.input as AsyncIterable<Buffer | string>) {
            if (!child.stdin.write(chunk)) {
              await new Promise((resolve) => child.stdin.once('drain', resolve));
            }
          }
        } finally {
          child.stdin.end();
        }
      })().catch(() => undefined);
    }
  } else {
    child.stdin.end();
  }
  let code: number | null;
  try {
    code = await exit;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw GitIoError.unavailable();
    }
    throw error;
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
  }
  if (run.signal?.aborted) {
    throw run.signal.reason;
  }
  if (timedOut) {
    throw GitIoError.timeout(run.deadline.setting, run.deadline.ms);
  }
  stderr = redact(stderr);
  if (code !== 0) {
    throw classify(stderr, run.host);
  }
  return { stdout: redact(stdout), stderr };
}

/** What a failed git said, as an error a user can act on. */
function classify(stderr: string, host: string): GitIoError {
  if (
    /Authentication failed|could not read Username|could not read Password|\b401\b|\b403\b|terminal prompts disabled/i.test(
      stderr,
    )
  ) {
    return GitIoError.authFailed(host);
  }
  const line =
    stderr
      .split('\n')
      .map((text) => text.trim())
      .filter((text) => /^(fatal|error|remote|!)/i.test(text))
      .slice(-2)
      .join(' ')
      .slice(0, 400) || 'git exited with an error';
  return GitIoError.remoteFailed(host, line);
}
