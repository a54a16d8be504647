import { join } from 'node:path';
import { REPO_ROOT } from './k8s-tools';

/** The values file deploy/kind-up.sh installs the chart with. */
export const KIND_VALUES_FILE = join(REPO_ROOT, 'deploy', 'kind-values.yaml');

/** The helm arguments deploy/kind-up.sh passes (the tag as the script's default). */
export const KIND_VALUES = [
  '-f',
  KIND_VALUES_FILE,
  ...['api', 'agentRunner', 'web', 'sandbox'].flatMap((image) => [
    '--set',
    `images.${image}.tag=local`,
  ]),
];
