import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { listTemplateFiles } from '@forge/sandbox';
import { useRunnerStack } from '../testing/runner-stack';
import { createProject } from '../testing/runner-test-app';
import { SandboxSessions } from './sandbox-sessions';

jest.setTimeout(240_000);

/** The workspaces under SANDBOX_ROOT that hold `node_modules/<name>`. */
function workspacesWith(root: string, name: string): string[] {
  if (!existsSync(root)) {
    return [];
  }
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) {
      found.push(dir);
    }
    if (depth === 0) {
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules') {
        visit(join(dir, entry.name), depth - 1);
      }
    }
  };
  visit(root, 3);
  return found;
}

describe('a sandbox opened for an imported app (e2e, process provider)', () => {
  const stack = useRunnerStack({
    llm: { handler: () => ({ fault: 'http' as const, status: 503, retryable: false }) },
    sandboxes: { prefix: 'forge-runner-imported-' },
  });

  it('installs the packages its saved package.json adds to the template’s before handing it out', async () => {
    const { db, runner, sandboxRoot } = stack();
    const template = (await listTemplateFiles()).find((file) => file.path === 'package.json')!;
    const manifest = JSON.parse(template.content) as { dependencies: Record<string, string> };
    manifest.dependencies['local-greeting'] = 'file:./vendor/local-greeting';
    const projectId = await createProject(db, 'Imported');
    const files = [
      { path: 'package.json', content: JSON.stringify(manifest, null, 2) },
      {
        path: 'vendor/local-greeting/package.json',
        content: JSON.stringify({ name: 'local-greeting', version: '1.0.0', main: 'index.js' }),
      },
      { path: 'vendor/local-greeting/index.js', content: "exports.greeting = 'Hello';\n" },
    ];
    for (const file of files) {
      await db.query(
        `INSERT INTO generated_files (project_id, path, content) VALUES ($1, $2, $3)`,
        [projectId, file.path, file.content],
      );
    }
    expect(workspacesWith(sandboxRoot(), 'local-greeting')).toEqual([]);

    const sandbox = await runner.app.get(SandboxSessions).open(projectId);

    expect(sandbox).not.toBeNull();
    expect(workspacesWith(sandboxRoot(), 'local-greeting')).toHaveLength(1);
  });
});
