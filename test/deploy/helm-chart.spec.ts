import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  WEB_VARIABLES,
  appVariableNames,
  unreadVariables,
  webVariableNames,
} from './support/app-variables';
import { type K8sTools, REPO_ROOT, k8sTools, run } from './support/k8s-tools';
import {
  type K8sObject,
  containers,
  envOf,
  find,
  problemsOf,
  parseManifests,
  podSpec,
} from './support/k8s-validation';
import { inlinedSecrets } from './support/secret-checks';

const CHART = 'helm/forge';
const SCALED = ['--set', 'api.replicas=3', '--set', 'redis.url=redis://redis.example:6379'];
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'Job']);

describe('helm chart helm/forge', () => {
  let tools: K8sTools;

  const template = async (args: string[]) =>
    run(tools.helm, ['template', 'forge', CHART, '--namespace', 'forge', ...args]);
  const render = async (args: string[]) => {
    const result = await template(args);
    if (result.code !== 0) {
      throw new Error(`helm template ${args.join(' ')} failed: ${result.stderr}`);
    }
    return parseManifests(result.stdout, `helm template ${args.join(' ')}`);
  };

  beforeAll(() => {
    tools = k8sTools();
  });

  it('passes helm lint --strict, with the default and the scaled values', async () => {
    for (const args of [[], [...SCALED, '--set', 'agentRunner.replicas=2']]) {
      const result = await run(tools.helm, ['lint', '--strict', CHART, ...args]);
      expect(`${result.stdout}${result.stderr}`).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(result.code).toBe(0);
    }
  });

  describe('with the default values (kind)', () => {
    let objects: K8sObject[];

    beforeAll(async () => {
      objects = await render([]);
    });

    it('renders only objects valid for Kubernetes, with no field it would not know', async () => {
      expect(objects.length).toBeGreaterThan(0);
      await expect(problemsOf(objects)).resolves.toEqual([]);
    });

    it('renders a whole Forge: PostgreSQL, migration, api, runner, web, sandbox namespace', () => {
      const names = objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
      expect(names).toEqual(
        expect.arrayContaining([
          'ConfigMap/forge-config',
          'Deployment/forge-api',
          'Deployment/forge-web',
          'Job/forge-migrate-1',
          'Namespace/forge-sandboxes',
          'ResourceQuota/forge-sandboxes',
          'Role/forge-sandbox-manager',
          'RoleBinding/forge-agent-runner',
          'Secret/forge-secrets',
          'Service/forge-api-preview',
          'ServiceAccount/forge-agent-runner',
          'StatefulSet/forge-agent-runner',
          'StatefulSet/forge-postgres',
        ]),
      );
      expect(names.filter((name) => name.startsWith('Ingress/') || name.includes('redis'))).toEqual(
        [],
      );
    });

    it('runs the runner with the kubernetes provider in forge-sandboxes and links the API to it', () => {
      const config = find(objects, 'ConfigMap', 'forge-config').data as Record<string, string>;
      expect(config).toMatchObject({
        SANDBOX_PROVIDER: 'kubernetes',
        SANDBOX_K8S_NAMESPACE: 'forge-sandboxes',
        SANDBOX_IMAGE: 'forge-sandbox:local',
        RUNNER_URLS: 'http://forge-agent-runner-0.forge-agent-runner:3002',
      });
      expect(find(objects, 'StatefulSet', 'forge-agent-runner').spec).toMatchObject({
        replicas: 1,
      });
      expect(podSpec(find(objects, 'StatefulSet', 'forge-agent-runner'))).toMatchObject({
        serviceAccountName: 'forge-agent-runner',
        automountServiceAccountToken: true,
      });
    });

    it('publishes the web app and the previews on the node ports kind-config.yaml maps to 3000 and 3004', () => {
      const kind = parse(readFileSync(join(REPO_ROOT, 'kind-config.yaml'), 'utf8')) as {
        nodes: { extraPortMappings?: { containerPort: number; hostPort: number }[] }[];
      };
      const mappings = kind.nodes.flatMap((node) => node.extraPortMappings ?? []);
      const hostPortOf = (service: string) => {
        const spec = find(objects, 'Service', service).spec as {
          type: string;
          ports: { nodePort: number }[];
        };
        expect(spec.type).toBe('NodePort');
        return mappings.find((mapping) => mapping.containerPort === spec.ports[0]!.nodePort)
          ?.hostPort;
      };
      expect(hostPortOf('forge-web')).toBe(3000);
      expect(hostPortOf('forge-api-preview')).toBe(3004);
    });

    it('takes every secret from a Secret and sets only variables the apps read', () => {
      expect(inlinedSecrets(objects)).toEqual([]);
      expect(envOf(find(objects, 'Deployment', 'forge-api'), 'api')).toMatchObject({
        AUTH_SECRET: { secretKeyRef: { name: 'forge-secrets', key: 'AUTH_SECRET' } },
        PREVIEW_TOKEN_SECRET: {
          secretKeyRef: { name: 'forge-secrets', key: 'PREVIEW_TOKEN_SECRET' },
        },
      });
      // The runner seals the apps' database passwords and the API opens them: the same key.
      const appsKey = { secretKeyRef: { name: 'forge-secrets', key: 'APPS_DATABASE_KEY' } };
      expect(envOf(find(objects, 'Deployment', 'forge-api'), 'api').APPS_DATABASE_KEY).toEqual(
        appsKey,
      );
      expect(
        envOf(find(objects, 'StatefulSet', 'forge-agent-runner'), 'agent-runner').APPS_DATABASE_KEY,
      ).toEqual(appsKey);
      expect(Object.keys(find(objects, 'Secret', 'forge-secrets').data as object)).toContain(
        'APPS_DATABASE_KEY',
      );
      expect(unreadVariables(appVariableNames(objects))).toEqual([]);
      expect(unreadVariables(webVariableNames(objects), WEB_VARIABLES)).toEqual([]);
    });

    it('lets the runner manage only sandbox objects, only in the sandbox namespace, list few', () => {
      const role = find(objects, 'Role', 'forge-sandbox-manager');
      expect(role.metadata.namespace).toBe('forge-sandboxes');
      const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
      expect(rules.flatMap((rule) => rule.resources).sort()).toEqual(
        [
          'configmaps',
          'deployments',
          'networkpolicies',
          'persistentvolumeclaims',
          'pods',
          'pods/exec',
          'pods/log',
          'secrets',
          'services',
        ].sort(),
      );
      // Published apps' Secrets (their DATABASE_URL) are written, never read back.
      const secrets = rules.find((rule) => rule.resources.includes('secrets'))!;
      expect(secrets.verbs.sort()).toEqual(['create', 'delete']);
      const verbs = new Set(rules.flatMap((rule) => rule.verbs));
      for (const broad of ['*', 'watch', 'update', 'patch', 'deletecollection']) {
        expect(verbs.has(broad)).toBe(false);
      }
      // Listed by label: the reaper's pods and claims, the idle check's app-server Deployments.
      const listed = rules.filter((rule) => rule.verbs.includes('list'));
      expect(listed.flatMap((rule) => rule.resources).sort()).toEqual([
        'deployments',
        'persistentvolumeclaims',
        'pods',
      ]);
      expect(objects.filter((object) => object.kind.startsWith('Cluster'))).toEqual([]);
      expect(find(objects, 'RoleBinding', 'forge-agent-runner').subjects).toEqual([
        { kind: 'ServiceAccount', name: 'forge-agent-runner', namespace: 'forge' },
      ]);
    });

    it('denies all sandbox traffic but the api and runner pods to the dev server port', () => {
      const deny = find(objects, 'NetworkPolicy', 'forge-default-deny');
      expect(deny.metadata.namespace).toBe('forge-sandboxes');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const allow = find(objects, 'NetworkPolicy', 'forge-to-dev-servers').spec as {
        ingress: {
          from: { podSelector: { matchLabels: Record<string, string> } }[];
          ports: unknown[];
        }[];
      };
      expect(allow.ingress[0]!.ports).toEqual([{ protocol: 'TCP', port: 5173 }]);
      expect(
        allow.ingress[0]!.from.map(
          (peer) => peer.podSelector.matchLabels['app.kubernetes.io/name'],
        ),
      ).toEqual(['forge-api', 'forge-agent-runner']);
    });

    it('runs every container as non-root, without privilege escalation, with resources and probes', () => {
      const workloads = objects.filter((object) => WORKLOADS.has(object.kind));
      for (const workload of workloads) {
        const spec = podSpec(workload)!;
        expect(spec.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        for (const container of containers(workload)) {
          expect(container.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
          expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
        }
        if (workload.kind === 'Job') {
          continue;
        }
        for (const container of spec.containers as {
          readinessProbe?: unknown;
          livenessProbe?: unknown;
        }[]) {
          expect(container.readinessProbe).toBeDefined();
          expect(container.livenessProbe).toBeDefined();
        }
      }
    });
  });

  describe('scaled out: three API replicas with an external Redis, two runners', () => {
    let objects: K8sObject[];

    beforeAll(async () => {
      objects = await render([...SCALED, '--set', 'agentRunner.replicas=2']);
    });

    it('renders only objects valid for Kubernetes', async () => {
      await expect(problemsOf(objects)).resolves.toEqual([]);
    });

    it('sets the replicas, gives both apps the Redis URL and links the API to each runner', () => {
      expect(find(objects, 'Deployment', 'forge-api').spec).toMatchObject({ replicas: 3 });
      expect(find(objects, 'StatefulSet', 'forge-agent-runner').spec).toMatchObject({
        replicas: 2,
      });
      expect(envOf(find(objects, 'Deployment', 'forge-api'), 'api').REDIS_URL).toBe(
        'redis://redis.example:6379',
      );
      expect(
        envOf(find(objects, 'StatefulSet', 'forge-agent-runner'), 'agent-runner').REDIS_URL,
      ).toBe('redis://redis.example:6379');
      expect(
        (find(objects, 'ConfigMap', 'forge-config').data as Record<string, string>).RUNNER_URLS,
      ).toBe(
        'http://forge-agent-runner-0.forge-agent-runner:3002,http://forge-agent-runner-1.forge-agent-runner:3002',
      );
    });
  });

  it('refuses more than one API replica without Redis, saying what to set', async () => {
    const result = await template(['--set', 'api.replicas=2']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'api.replicas is 2: more than one API replica needs Redis for the Socket.IO adapter; set redis.bundled=true, or redis.url',
    );
  });

  it('bundles Redis on request, and reaches an external database through an existing Secret', async () => {
    const objects = await render([
      '--set',
      'api.replicas=2',
      '--set',
      'redis.bundled=true',
      '--set',
      'database.bundled=false',
      '--set',
      'database.existingSecret=forge-db',
    ]);
    await expect(problemsOf(objects)).resolves.toEqual([]);
    expect(objects.filter((object) => object.metadata.name.includes('postgres'))).toEqual([]);
    expect(envOf(find(objects, 'Deployment', 'forge-api'), 'api')).toMatchObject({
      DATABASE_URL: { secretKeyRef: { name: 'forge-db', key: 'DATABASE_URL' } },
      REDIS_URL: 'redis://forge-redis:6379',
    });
    expect(find(objects, 'Deployment', 'forge-redis').kind).toBe('Deployment');
  });

  it('routes the UI host to web and api, and the wildcard preview and published-app hosts to their ports', async () => {
    const objects = await render([
      '--set',
      'ingress.enabled=true',
      '--set',
      'ingress.host=forge.test',
      '--set',
      'ingress.previewDomain=preview.forge.test',
      '--set',
      'ingress.publishDomain=apps.forge.test',
      '--set',
      'ingress.tlsSecretName=forge-tls',
    ]);
    await expect(problemsOf(objects)).resolves.toEqual([]);
    const spec = find(objects, 'Ingress', 'forge').spec as {
      tls: { hosts: string[] }[];
      rules: {
        host: string;
        http: {
          paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[];
        };
      }[];
    };
    const routes = spec.rules.flatMap((rule) =>
      rule.http.paths.map(
        (path) =>
          `${rule.host}${path.path} -> ${path.backend.service.name}:${path.backend.service.port.name}`,
      ),
    );
    expect(routes).toEqual([
      'forge.test/api -> forge-api:http',
      'forge.test/socket.io -> forge-api:http',
      'forge.test/ -> forge-web:http',
      '*.preview.forge.test/ -> forge-api-preview:preview',
      '*.apps.forge.test/ -> forge-api-publish:publish',
    ]);
    expect(spec.tls[0]!.hosts).toEqual(['forge.test', '*.preview.forge.test', '*.apps.forge.test']);
  });
});
