import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VarSpec } from '@forge/config';
import {
  API_CONFIG_SPEC,
  PREVIEW_CONFIG_SPEC,
  PUBLISH_CONFIG_SPEC,
} from '../../../apps/api/src/config/api-config';
import { RUNNER_CONFIG_SPEC } from '../../../apps/agent-runner/src/config/runner-config';
import { REPO_ROOT } from './k8s-tools';
import { type ContainerSpec, type K8sObject, podSpec } from './k8s-validation';

/** One server of an image: the variables naming its interface and port. */
interface ServerSpec {
  name: string;
  hostVariable: string;
  portVariable: string;
}

/** Where a server of a container listens, after the app's defaults, the image's ENV and the deployment's env. */
export interface Listener {
  server: string;
  host: string;
  port: number;
}

/** Who connects to which port of which container. */
export interface Connection {
  who: string;
  target: string;
  port: number;
}

/** The servers each Forge image runs, by image name (without tag). */
const SERVERS: Record<string, ServerSpec[]> = {
  'forge-api': [
    { name: 'api', hostVariable: 'API_HOST', portVariable: 'API_PORT' },
    { name: 'preview proxy', hostVariable: 'PREVIEW_HOST', portVariable: 'PREVIEW_PORT' },
    { name: 'published apps', hostVariable: 'PUBLISH_HOST', portVariable: 'PUBLISH_PORT' },
  ],
  'forge-agent-runner': [
    { name: 'runner', hostVariable: 'RUNNER_HOST', portVariable: 'RUNNER_PORT' },
  ],
  'forge-web': [{ name: 'web', hostVariable: 'WEB_HOST', portVariable: 'WEB_PORT' }],
};

const DOCKERFILES: Record<string, string> = {
  'forge-api': 'deploy/api.Dockerfile',
  'forge-agent-runner': 'deploy/agent-runner.Dockerfile',
  'forge-web': 'deploy/web.Dockerfile',
};

function specDefaults(spec: Record<string, VarSpec<unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(spec)
      .filter(([, variable]) => variable.default !== undefined && variable.default !== null)
      .map(([name, variable]) => [name, String(variable.default)]),
  );
}

/** The web server's defaults, read from deploy/image/web-main.mjs (`process.env.X || 'value'`). */
function webDefaults(): Record<string, string> {
  const source = readFileSync(join(REPO_ROOT, 'deploy', 'image', 'web-main.mjs'), 'utf8');
  return Object.fromEntries(
    [...source.matchAll(/process\.env\.([A-Z_]+) \|\| '?([^')\n]+)'?\)?;/g)].map((match) => [
      match[1]!,
      match[2]!,
    ]),
  );
}

/** What each app uses when a variable is unset or empty. */
const APP_DEFAULTS: Record<string, Record<string, string>> = {
  'forge-api': specDefaults({ ...API_CONFIG_SPEC, ...PREVIEW_CONFIG_SPEC, ...PUBLISH_CONFIG_SPEC }),
  'forge-agent-runner': specDefaults(RUNNER_CONFIG_SPEC),
  'forge-web': webDefaults(),
};

/** The ENV of a Dockerfile's last stage. */
export function dockerfileEnv(path: string): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, path), 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM /m);
  const env: Record<string, string> = {};
  for (const line of stages.at(-1)!.split('\n')) {
    const match = /^ENV\s+(.*)$/.exec(line.trim());
    if (!match) {
      continue;
    }
    for (const pair of match[1]!.trim().split(/\s+/)) {
      const [name, ...value] = pair.split('=');
      env[name!] = value.join('=').replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** The image's name without registry-less tag: forge-api:local → forge-api. */
export function imageName(image: string): string {
  return image.replace(/:[^/:]*$/, '').replace(/^.*\//, '');
}

/** Where the servers of a container of this image listen, given the deployment's env. */
export function listeners(image: string, deploymentEnv: Record<string, string>): Listener[] {
  const name = imageName(image);
  const servers = SERVERS[name];
  if (!servers) {
    return [];
  }
  const env = { ...APP_DEFAULTS[name] };
  for (const layer of [dockerfileEnv(DOCKERFILES[name]!), deploymentEnv]) {
    // An empty value means the app's default (loadConfig), as an unset one.
    for (const [key, value] of Object.entries(layer)) {
      if (value !== '') {
        env[key] = value;
      }
    }
  }
  return servers.map((server) => ({
    server: server.name,
    host: env[server.hostVariable] ?? '(unset)',
    port: Number(env[server.portVariable]),
  }));
}

/** True for an address every interface of a container or pod answers on. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/**
 * The problems of one connection: nothing listens on that port of the target, or it listens
 * where the one connecting cannot reach it (loopback, or one named interface).
 */
export function connectionProblems(connection: Connection, servers: Listener[]): string[] {
  const server = servers.find((candidate) => candidate.port === connection.port);
  if (!server) {
    return [
      `${connection.who} connects to ${connection.target}:${connection.port}, where no server of it listens (${servers.map((s) => `${s.server} ${s.host}:${s.port}`).join(', ') || 'none known'})`,
    ];
  }
  if (!isWildcard(server.host)) {
    return [
      `${connection.who} connects to ${connection.target}:${connection.port}, but its ${server.server} listens on ${server.host} only`,
    ];
  }
  return [];
}

/** `${VAR:-default}` → default, `${VAR:?message}` and `${VAR}` → a stand-in value. */
export function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z_][A-Z0-9_]*(?:(:?[-?])([^}]*))?\}/g, (_all, kind, rest) =>
    kind === ':-' || kind === '-' ? (rest as string) : 'x',
  );
}

/** host:port of every URL in a value, e.g. RUNNER_URLS or DATABASE_URL. */
export function urlTargets(value: string): { host: string; port: number }[] {
  const targets: { host: string; port: number }[] = [];
  for (const item of value.split(',')) {
    let url: URL;
    try {
      url = new URL(item.trim());
    } catch {
      continue;
    }
    if (!url.hostname || !url.port) {
      continue;
    }
    targets.push({ host: url.hostname, port: Number(url.port) });
  }
  return targets;
}

// --- Kubernetes ---

interface PortSpec {
  name?: string;
  containerPort: number;
}

/** A container's env after envFrom (ConfigMaps) and env (literal values). */
export function k8sEnv(container: ContainerSpec, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  const from = (container as { envFrom?: { configMapRef?: { name: string } }[] }).envFrom ?? [];
  for (const source of from) {
    const name = source.configMapRef?.name;
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    Object.assign(env, (configMap?.data as Record<string, string>) ?? {});
  }
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = variable.value;
    }
  }
  return env;
}

/**
 * Every Service port, resolved to the container behind it: the Service's clients (the ingress,
 * other pods, a NodePort from outside) connect to that container port of the pod's IP.
 */
export function k8sServiceProblems(objects: K8sObject[]): {
  checked: string[];
  problems: string[];
} {
  const checked: string[] = [];
  const problems: string[] = [];
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const spec = service.spec as {
      selector?: Record<string, string>;
      ports: { name?: string; port: number; targetPort?: number | string }[];
    };
    const selector = spec.selector ?? {};
    const selected = workloads.filter((workload) => {
      const labels =
        (workload.spec as { template: { metadata: { labels?: Record<string, string> } } }).template
          .metadata.labels ?? {};
      return Object.entries(selector).every(([key, value]) => labels[key] === value);
    });
    if (selected.length === 0) {
      problems.push(`Service ${service.metadata.name} selects no workload`);
      continue;
    }
    for (const workload of selected) {
      const containers = ((podSpec(workload)?.containers as ContainerSpec[]) ?? []).map(
        (container) => ({
          container,
          ports: ((container as { ports?: PortSpec[] }).ports ?? []) as PortSpec[],
        }),
      );
      for (const port of spec.ports) {
        const target = port.targetPort ?? port.port;
        const match = containers.find(({ ports }) =>
          ports.some((p) =>
            typeof target === 'string' ? p.name === target : p.containerPort === target,
          ),
        );
        const who = `Service ${service.metadata.name} port ${port.port}`;
        if (!match) {
          problems.push(
            `${who}: no container of ${workload.kind} ${workload.metadata.name} has port ${target}`,
          );
          continue;
        }
        const containerPort = match.ports.find((p) =>
          typeof target === 'string' ? p.name === target : p.containerPort === target,
        )!.containerPort;
        const servers = listeners(match.container.image, k8sEnv(match.container, objects));
        if (!SERVERS[imageName(match.container.image)]) {
          continue;
        } // postgres, redis: their own images
        checked.push(`${who} → ${workload.metadata.name}/${match.container.name}:${containerPort}`);
        problems.push(
          ...connectionProblems(
            {
              who,
              target: `${workload.metadata.name}/${match.container.name}`,
              port: containerPort,
            },
            servers,
          ),
        );
      }
    }
  }
  return { checked, problems };
}

/**
 * Every URL in a container's env whose host is a Service (`forge-api`, or a pod of a headless one:
 * `forge-agent-runner-0.forge-agent-runner`): the Service must offer that port.
 */
export function k8sUrlProblems(objects: K8sObject[]): { checked: string[]; problems: string[] } {
  const checked: string[] = [];
  const problems: string[] = [];
  const services = new Map(
    objects
      .filter((o) => o.kind === 'Service')
      .map((o) => [o.metadata.name, (o.spec as { ports: { port: number }[] }).ports]),
  );
  for (const workload of objects.filter((o) => podSpec(o))) {
    const all = [
      ...((podSpec(workload)?.initContainers as ContainerSpec[]) ?? []),
      ...((podSpec(workload)?.containers as ContainerSpec[]) ?? []),
    ];
    for (const container of all) {
      for (const [variable, value] of Object.entries(k8sEnv(container, objects))) {
        for (const { host, port } of urlTargets(value)) {
          const labels = host.split('.');
          const service = [labels[0]!, labels[1] ?? ''].find((name) => services.has(name));
          if (!service) {
            continue;
          }
          const who = `${workload.metadata.name}/${container.name} ${variable}`;
          checked.push(`${who} → ${service}:${port}`);
          if (!services.get(service)!.some((p) => p.port === port)) {
            problems.push(
              `${who} connects to ${host}:${port}, a port Service ${service} does not have`,
            );
          }
        }
      }
    }
  }
  return { checked, problems };
}
