import { type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';

/** What a server answered to requestAsHost. */
export interface HostAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text. */
  body: string;
  /** The body as it came. */
  bytes: Buffer;
}

/**
 * An HTTP request to 127.0.0.1:`port` with `Host: host`, as a browser at that host sends it
 * (node's fetch cannot set Host): the preview and published-app servers route by it. A body
 * makes it a POST unless `method` says otherwise; past `timeoutMs` it fails.
 */
export function requestAsHost(
  port: number,
  host: string,
  path: string,
  options: {
    method?: string;
    headers?: OutgoingHttpHeaders;
    body?: string;
    timeoutMs?: number;
  } = {},
): Promise<HostAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers: { host, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: bytes.toString(), bytes });
        });
      },
    );
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () =>
        req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      );
    }
    req.on('error', reject);
    req.end(options.body);
  });
}
