import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KIND_VALUES } from './support/kind-values';
import { REPO_ROOT, k8sTools, run } from './support/k8s-tools';
import { type K8sObject, parseManifests, problemsOf } from './support/k8s-validation';

const SCRIPT = join(REPO_ROOT, 'deploy', 'kind-up.sh');
const script = readFileSync(SCRIPT, 'utf8');

function shellcheckAvailable(): boolean {
  return spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * deploy/kind-up.sh cannot run here (no cluster): its steps are checked as far as the tools
 * allow. The script parses, shellcheck finds nothing, it does the steps docs/deploy.md lists, and
 * the chart renders with the values it passes into a release kind-config.yaml publishes.
 */
describe('deploy/kind-up.sh', () => {
  it('is valid bash', () => {
    const result = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  (shellcheckAvailable() ? it : it.skip)('passes shellcheck', () => {
    const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect([result.status, result.stdout]).toEqual([0, '']);
  });

  it('creates the cluster from kind-config.yaml, loads the four images, installs the chart and waits for the UI', () => {
    expect(script).toMatch(
      /kind create cluster --name "\$cluster" --config "\$repo\/kind-config\.yaml"/,
    );
    expect(script).toMatch(/kind load docker-image --name "\$cluster" "\$\{images\[@\]\}"/);
    for (const image of ['forge-api', 'forge-agent-runner', 'forge-web', 'forge-sandbox']) {
      expect(script).toContain(`"${image}:$tag"`);
    }
    expect(script).toMatch(
      /helm upgrade --install forge "\$repo\/helm\/forge"[^\n]*\\\n\s+-f "\$values"/,
    );
    expect(script).toContain('values="$repo/deploy/kind-values.yaml"');
    expect(script).toMatch(/until curl [^\n]*"\$ui_url\/"/);
    // Every wait has a deadline.
    expect(script).toContain('FORGE_UI_TIMEOUT_SECONDS');
  });

  it('installs a release whose UI and previews are on the node ports kind-config.yaml maps to localhost', async () => {
    const result = await run(k8sTools().helm, [
      'template',
      'forge',
      join(REPO_ROOT, 'helm', 'forge'),
      '--namespace',
      'forge',
      ...KIND_VALUES,
    ]);
    expect([result.code, result.stderr]).toEqual([0, '']);
    const objects = parseManifests(result.stdout, 'helm template (kind-up values)');
    await expect(problemsOf(objects)).resolves.toEqual([]);
    const kind = parse(readFileSync(join(REPO_ROOT, 'kind-config.yaml'), 'utf8')) as {
      name: string;
      nodes: { extraPortMappings?: { containerPort: number; hostPort: number }[] }[];
    };
    expect(script).toContain(`cluster="\${KIND_CLUSTER_NAME:-${kind.name}}"`);
    const mapped = new Map(
      kind.nodes
        .flatMap((node) => node.extraPortMappings ?? [])
        .map((m) => [m.containerPort, m.hostPort]),
    );
    const nodePorts = objects
      .filter((object: K8sObject) => object.kind === 'Service')
      .flatMap((object) =>
        ((object.spec as { ports: { nodePort?: number; port: number }[] }).ports ?? [])
          .filter((port) => port.nodePort)
          .map((port) => [object.metadata.name, port.port, mapped.get(port.nodePort!)]),
      );
    // The UI on localhost:3000 (the URL the script waits for), previews on localhost:3004.
    expect(nodePorts).toEqual(
      expect.arrayContaining([
        ['forge-web', 3000, 3000],
        ['forge-api-preview', 3004, 3004],
      ]),
    );
    expect(script).toContain('ui_url="http://localhost:3000"');
    const images = objects.flatMap(
      (object) => JSON.stringify(object).match(/"image":"forge-[a-z-]+:[^"]+"/g) ?? [],
    );
    expect(new Set(images)).toEqual(
      new Set([
        '"image":"forge-api:local"',
        '"image":"forge-agent-runner:local"',
        '"image":"forge-web:local"',
      ]),
    );
  });
});
