import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { type WebSocket, WebSocketServer } from 'ws';

/** One exec the fake received: the command and everything sent to its standard input. */
export interface FakeExecCall {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  stdin: Buffer;
}

export interface FakeExecIo {
  stdout(data: Buffer | string): void;
  stderr(data: Buffer | string): void;
  /** Aborted when the pod is deleted or the client goes away. */
  signal: AbortSignal;
}

/** Runs an exec in the fake "pod" and returns its exit code. */
export type FakeExecHandler = (call: FakeExecCall, io: FakeExecIo) => Promise<number>;

type Resource = { metadata: { name: string; namespace?: string }; status?: unknown } & Record<
  string,
  unknown
>;

const RESOURCE_PATH =
  /^\/(?:api\/v1|apis\/networking\.k8s\.io\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(pods|services|persistentvolumeclaims|networkpolicies|configmaps|secrets|deployments)(?:\/([^/]+))?$/;
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, status: 3, close: 255 } as const;

/**
 * An in-process stand-in for the Kubernetes API server: the real REST paths for pods, services,
 * persistent volume claims, network policies, config maps, secrets and deployments (GET, POST,
 * DELETE), and pod exec over a websocket speaking the v5/v4 channel protocol. It records what
 * it was asked; pods are Running on creation and Ready only when the test says so, and so are
 * deployments' replicas.
 */
export class FakeKubernetesApi {
  readonly objects = new Map<string, Resource>();
  readonly requests: string[] = [];
  readonly execs: FakeExecCall[] = [];
  private readonly podSignals = new Map<string, AbortController>();
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      ['v5.channel.k8s.io', 'v4.channel.k8s.io'].find((protocol) => offered.has(protocol)) ?? false,
  });

  constructor(private readonly execHandler: FakeExecHandler) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      this.requests.push(`${req.method} ${path}`);
      const match = EXEC_PATH.exec(path);
      const pod = match && this.objects.get(key('pods', match[1]!, match[2]!));
      if (!match || !pod) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.sockets.handleUpgrade(req, socket, head, (ws) =>
        this.exec(ws, req, match[1]!, match[2]!),
      );
    });
  }

  async close(): Promise<void> {
    this.podSignals.forEach((controller) => controller.abort());
    this.sockets.clients.forEach((client) => client.terminate());
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Listens on a free loopback port; returns a KubeConfig pointed at it. */
  async start(): Promise<KubeConfig> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const server = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    const k8s = await import('@kubernetes/client-node');
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server, skipTLSVerify: true }],
      users: [{ name: 'fake', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    return config;
  }

  get(plural: string, namespace: string, name: string): Resource | undefined {
    return this.objects.get(key(plural, namespace, name));
  }

  setPodReady(namespace: string, name: string, ready: boolean): void {
    const pod = this.get('pods', namespace, name);
    if (!pod) {
      throw new Error(`no pod ${namespace}/${name}`);
    }
    pod.status = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    };
  }

  setDeploymentReady(namespace: string, name: string, readyReplicas: number): void {
    const deployment = this.get('deployments', namespace, name);
    if (!deployment) {
      throw new Error(`no deployment ${namespace}/${name}`);
    }
    deployment.status = { readyReplicas };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    this.requests.push(`${req.method} ${path}`);
    const match = RESOURCE_PATH.exec(path);
    if (!match) {
      return send(res, 404, status(404, 'NotFound', `no route ${path}`));
    }
    const [, namespace, plural, name] = match as unknown as [string, string, string, string?];
    if (req.method === 'POST' && !name) {
      const body = JSON.parse(await readBody(req)) as Resource;
      const id = key(plural, namespace, body.metadata.name);
      if (this.objects.has(id)) {
        return send(res, 409, status(409, 'AlreadyExists', `${id} exists`));
      }
      body.metadata = {
        ...body.metadata,
        namespace,
        uid: id,
        creationTimestamp: new Date().toISOString(),
      } as Resource['metadata'];
      this.objects.set(id, body);
      if (plural === 'pods') {
        this.setPodReady(namespace, body.metadata.name, false);
      }
      return send(res, 201, body);
    }
    if (req.method === 'GET' && !name) {
      return send(res, 200, {
        kind: 'List',
        apiVersion: 'v1',
        metadata: {},
        items: this.list(plural, namespace, url.searchParams.get('labelSelector')),
      });
    }
    const id = name ? key(plural, namespace, name) : '';
    const object = this.objects.get(id);
    if (!object) {
      return send(res, 404, status(404, 'NotFound', `${plural} "${name}" not found`));
    }
    if (req.method === 'GET') {
      return send(res, 200, object);
    }
    if (req.method === 'DELETE') {
      this.objects.delete(id);
      this.podSignals.get(id)?.abort();
      this.podSignals.delete(id);
      return send(res, 200, object);
    }
    send(res, 405, status(405, 'MethodNotAllowed', `${req.method} ${path}`));
  }

  /** The namespace's objects of a kind, filtered by an equality label selector (`a=b,c=d`). */
  private list(plural: string, namespace: string, selector: string | null): Resource[] {
    const wanted = (selector ?? '')
      .split(',')
      .filter(Boolean)
      .map((term) => term.split('=') as [string, string]);
    const prefix = key(plural, namespace, '');
    return [...this.objects.entries()]
      .filter(([id]) => id.startsWith(prefix))
      .map(([, object]) => object)
      .filter((object) => {
        const labels = (object.metadata as { labels?: Record<string, string> }).labels ?? {};
        return wanted.every(([label, value]) => labels[label] === value);
      });
  }

  private exec(ws: WebSocket, req: IncomingMessage, namespace: string, pod: string): void {
    const query = new URL(req.url ?? '/', 'http://fake').searchParams;
    const call: FakeExecCall = {
      namespace,
      pod,
      container: query.get('container') ?? '',
      command: query.getAll('command'),
      stdin: Buffer.alloc(0),
    };
    this.execs.push(call);
    const podId = key('pods', namespace, pod);
    const podSignal = this.podSignals.get(podId) ?? new AbortController();
    this.podSignals.set(podId, podSignal);
    const controller = new AbortController();
    podSignal.signal.addEventListener('abort', () => controller.abort(), { once: true });
    ws.on('close', () => controller.abort());

    const chunks: Buffer[] = [];
    let stdinClosed!: () => void;
    const stdinDone = new Promise<void>((resolve) => (stdinClosed = resolve));
    if (query.get('stdin') !== 'true') {
      stdinClosed();
    }
    ws.on('message', (data: Buffer) => {
      if (data[0] === CHANNEL.stdin) {
        chunks.push(data.subarray(1));
      }
      if (data[0] === CHANNEL.close && data[1] === CHANNEL.stdin) {
        stdinClosed();
      }
    });
    // v4 clients have no close frame: they close the socket when stdin ends.
    ws.on('close', () => stdinClosed());

    const frame = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) {
        ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
      }
    };
    void stdinDone
      .then(() => {
        call.stdin = Buffer.concat(chunks);
        return this.execHandler(call, {
          stdout: (data) => frame(CHANNEL.stdout, data),
          stderr: (data) => frame(CHANNEL.stderr, data),
          signal: controller.signal,
        });
      })
      .then(
        (code) =>
          code === 0
            ? { metadata: {}, status: 'Success' }
            : {
                metadata: {},
                status: 'Failure',
                message: `command terminated with non-zero exit code: ${code}`,
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
              },
        (error: unknown) => ({
          metadata: {},
          status: 'Failure',
          reason: 'InternalError',
          message: String(error),
        }),
      )
      .then((result) => {
        frame(CHANNEL.status, JSON.stringify(result));
        ws.close();
      });
  }
}

function key(plural: string, namespace: string, name: string): string {
  return `${plural}/${namespace}/${name}`;
}

function status(code: number, reason: string, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    reason,
    message,
    code,
  };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
