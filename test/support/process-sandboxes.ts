import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder for a test's process sandboxes, and the runner settings that put them there. */
export interface ProcessSandboxes {
  /** SANDBOX_ROOT: the workspaces are in its `projects` folder. */
  root: string;
  /** SANDBOX_PROVIDER=process, SANDBOX_ROOT, SANDBOX_TEMPLATE_CACHE and no warm pool. */
  env: Record<string, string>;
  /** Deletes the folder and everything in it. */
  remove(): void;
}

/**
 * A new temp folder named from `prefix` (`forge-preview-`); the prepared template is cached in
 * it too unless `templateCache` names one shared with other tests.
 */
export function processSandboxes(prefix: string, templateCache?: string): ProcessSandboxes {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const root = join(dir, 'sandboxes');
  return {
    root,
    env: {
      SANDBOX_PROVIDER: 'process',
      SANDBOX_ROOT: root,
      SANDBOX_TEMPLATE_CACHE: templateCache ?? join(dir, 'template-cache'),
      SANDBOX_POOL_SIZE: '0',
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
