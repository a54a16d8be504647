import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, k8sTools, run } from './support/k8s-tools';
import { type K8sObject, parseManifests } from './support/k8s-validation';
import {
  type Connection,
  connectionProblems,
  interpolate,
  k8sServiceProblems,
  k8sUrlProblems,
  listeners,
  urlTargets,
} from './support/listen-addresses';
import { KIND_VALUES } from './support/kind-values';

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
}

/**
 * Every server another container, pod or the host connects to must listen where that one
 * reaches it: on every interface of its container (0.0.0.0), not on the loopback the apps
 * default to. The listen address is what the app reads after its own default, the image's ENV
 * and the deployment's env; the connections are what the deployment wires up.
 */
describe('listen addresses of every deployment', () => {
  it('docker-compose.yml: published ports and URLs between services reach a server on every interface', () => {
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, ComposeService>;
    };
    const services = compose.services;
    const envOf = (service: ComposeService) =>
      Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([key, value]) => [
          key,
          interpolate(String(value)),
        ]),
      );
    const connections: Connection[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const mapping of service.ports ?? []) {
        const containerPort = Number(interpolate(mapping).split(':').at(-1));
        connections.push({
          who: `the host (ports: ${mapping})`,
          target: name,
          port: containerPort,
        });
      }
      for (const [variable, value] of Object.entries(envOf(service))) {
        for (const { host, port } of urlTargets(value)) {
          if (services[host]) {
            connections.push({ who: `${name} ${variable}`, target: host, port });
          }
        }
      }
    }
    const forge = connections.filter((c) =>
      /^forge-/.test(interpolate(services[c.target]!.image!)),
    );
    // The web port, the preview port, the web → api and api → runner links at least.
    expect(forge.map((c) => `${c.target}:${c.port}`).sort()).toEqual(
      expect.arrayContaining(['agent-runner:3002', 'api:3001', 'api:3004', 'web:3000']),
    );
    const problems = forge.flatMap((connection) =>
      connectionProblems(
        connection,
        listeners(
          interpolate(services[connection.target]!.image!),
          envOf(services[connection.target]!),
        ),
      ),
    );
    expect(problems).toEqual([]);
  });

  describe.each([
    [
      'kubectl kustomize k8s/',
      async () => {
        const result = await run(k8sTools().kubectl, ['kustomize', join(REPO_ROOT, 'k8s')]);
        if (result.code !== 0) {
          throw new Error(result.stderr);
        }
        return parseManifests(result.stdout, 'kubectl kustomize k8s/');
      },
    ],
    ['helm template (default values)', async () => helmTemplate([])],
    ['helm template (the values deploy/kind-up.sh passes)', async () => helmTemplate(KIND_VALUES)],
  ])('%s', (_name, render) => {
    let objects: K8sObject[];

    beforeAll(async () => {
      objects = await render();
    });

    it('every Service port reaches a server listening on every interface of its pod', () => {
      const { checked, problems } = k8sServiceProblems(objects);
      // The web app, the API, the preview proxy and the runner.
      expect(checked.join('\n')).toMatch(/:3000$/m);
      expect(checked.join('\n')).toMatch(/:3001$/m);
      expect(checked.join('\n')).toMatch(/:3004$/m);
      expect(checked.join('\n')).toMatch(/:3002$/m);
      expect(problems).toEqual([]);
    });

    it('every URL between the pods names a port its Service has', () => {
      const { checked, problems } = k8sUrlProblems(objects);
      expect(checked.join('\n')).toMatch(/API_URL → forge-api:3001/);
      expect(checked.join('\n')).toMatch(/RUNNER_URLS → .*agent-runner:3002/);
      expect(problems).toEqual([]);
    });
  });
});

async function helmTemplate(args: string[]): Promise<K8sObject[]> {
  const result = await run(k8sTools().helm, [
    'template',
    'forge',
    join(REPO_ROOT, 'helm', 'forge'),
    '--namespace',
    'forge',
    ...args,
  ]);
  if (result.code !== 0) {
    throw new Error(`helm template ${args.join(' ')}: ${result.stderr}`);
  }
  return parseManifests(result.stdout, `helm template ${args.join(' ')}`);
}
