import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GitHttpServer {
  /** http://127.0.0.1:<port> */
  url: string;
  root: string;
  /** Every request's method and path, with whether its credentials were right. */
  requests: { method: string; path: string; authorized: boolean }[];
  /** Makes an empty bare repository `name`.git that accepts pushes. */
  createRepository(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real git server for tests: `git http-backend` (CGI) behind node:http on a loopback port,
 * with basic auth (any user name, `token` as the password). Answers 401 with a challenge
 * otherwise, as GitHub and Gitea do.
 */
export async function startGitHttpServer(token: string): Promise<GitHttpServer> {
  const root = await mkdtemp(join(tmpdir(), 'forge-git-server-'));
  const { stdout } = await run('git', ['--exec-path']);
  const backend = join(stdout.trim(), 'git-http-backend');
  const requests: GitHttpServer['requests'] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : '';
    const authorized = given.slice(given.indexOf(':') + 1) === token && given.includes(':');
    requests.push({ method: req.method ?? '', path: url.pathname, authorized });
    if (!authorized) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end('unauthorized');
      req.resume();
      return;
    }
    const child = spawn(backend, [], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        HOME: root,
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: given.slice(0, given.indexOf(':')) || 'user',
        REMOTE_ADDR: '127.0.0.1',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        return;
      }
      headersDone = true;
      let status = 200;
      for (const line of head.toString('latin1', 0, end).split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') {
          status = Number(value.split(' ')[0]);
        } else {
          res.setHeader(name, value);
        }
      }
      res.statusCode = status;
      res.write(head.subarray(end + 4));
    });
    child.stdout.on('end', () => res.end());
    child.on('error', () => res.destroy());
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    requests,
    async createRepository(name: string) {
      const dir = join(root, `${name}.git`);
      await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir]);
      await run('git', ['-C', dir, 'config', 'http.receivepack', 'true']);
      return dir;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
