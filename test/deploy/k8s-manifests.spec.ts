import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  WEB_VARIABLES,
  appVariableNames,
  unreadVariables,
  webVariableNames,
} from './support/app-variables';
import { type K8sTools, REPO_ROOT, k8sTools, run } from './support/k8s-tools';
import { type K8sObject, containers, parseManifests, problemsOf } from './support/k8s-validation';
import { inlinedSecrets, secretReferences } from './support/secret-checks';

const K8S_DIR = join(REPO_ROOT, 'k8s');
const EXAMPLE_SECRET = 'secret.example.yaml';

function readManifests(file: string): K8sObject[] {
  return parseManifests(readFileSync(join(K8S_DIR, file), 'utf8'), `k8s/${file}`);
}

describe('plain manifests k8s/', () => {
  let tools: K8sTools;
  let rendered: K8sObject[];
  const files = readdirSync(K8S_DIR).filter(
    (file) => file.endsWith('.yaml') && file !== 'kustomization.yaml',
  );

  beforeAll(async () => {
    tools = k8sTools();
    const result = await run(tools.kubectl, ['kustomize', K8S_DIR]);
    if (result.code !== 0) {
      throw new Error(`kubectl kustomize k8s/ failed: ${result.stderr}`);
    }
    rendered = parseManifests(result.stdout, 'kubectl kustomize k8s/');
  });

  it.each(files)('k8s/%s holds only objects valid for Kubernetes', async (file) => {
    const objects = readManifests(file);
    expect(objects.length).toBeGreaterThan(0);
    await expect(problemsOf(objects)).resolves.toEqual([]);
  });

  it('renders with kubectl kustomize into valid objects: every file but the example Secret', async () => {
    await expect(problemsOf(rendered)).resolves.toEqual([]);
    const kustomization = parse(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((file) => file !== EXAMPLE_SECRET).sort(),
    );
    expect(rendered.filter((object) => object.kind === 'Secret')).toEqual([]);
  });

  it('marks the example Secret as an example, and it holds every key the workloads refer to', () => {
    expect(readFileSync(join(K8S_DIR, EXAMPLE_SECRET), 'utf8')).toMatch(/^# EXAMPLE ONLY/);
    const [secret] = readManifests(EXAMPLE_SECRET);
    const keys = Object.keys(secret!.stringData as object).map(
      (key) => `${secret!.metadata.name}/${key}`,
    );
    const referenced = new Set(rendered.flatMap(secretReferences));
    expect(referenced.size).toBeGreaterThan(0);
    expect([...referenced].filter((reference) => !keys.includes(reference))).toEqual([]);
  });

  it('takes every secret from the Secret and sets only variables the apps read', () => {
    expect(inlinedSecrets(rendered)).toEqual([]);
    expect(unreadVariables(appVariableNames(rendered))).toEqual([]);
    expect(unreadVariables(webVariableNames(rendered), WEB_VARIABLES)).toEqual([]);
  });

  it('probes every long-running container and limits the resources of every container', () => {
    for (const object of rendered.filter((item) =>
      ['Deployment', 'StatefulSet', 'Job'].includes(item.kind),
    )) {
      for (const container of containers(object)) {
        expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
      if (object.kind === 'Job') {
        continue;
      }
      const spec = (object.spec as { template: { spec: { containers: K8sObject[] } } }).template
        .spec;
      for (const container of spec.containers) {
        expect(container.readinessProbe).toBeDefined();
        expect(container.livenessProbe).toBeDefined();
      }
    }
  });

  it('grants the runner what the chart grants it, in the sandbox namespace only', async () => {
    const role = rendered.find((object) => object.kind === 'Role')!;
    expect(role.metadata.namespace).toBe('forge-sandboxes');
    const chart = await run(tools.helm, ['template', 'forge', 'helm/forge', '-n', 'forge']);
    const chartRole = parseManifests(chart.stdout, 'helm template').find(
      (object) => object.kind === 'Role',
    )!;
    expect(role.rules).toEqual(chartRole.rules);
  });

  it('denies all traffic in forge-sandboxes by default', () => {
    const policies = rendered.filter(
      (object) =>
        object.kind === 'NetworkPolicy' && object.metadata.namespace === 'forge-sandboxes',
    );
    expect(policies.map((policy) => policy.spec)).toContainEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });
});
