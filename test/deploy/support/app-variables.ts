import {
  API_CONFIG_SPEC,
  PREVIEW_CONFIG_SPEC,
  PUBLISH_CONFIG_SPEC,
} from '../../../apps/api/src/config/api-config';
import { RUNNER_CONFIG_SPEC } from '../../../apps/agent-runner/src/config/runner-config';
import { type K8sObject, containers } from './k8s-validation';

/**
 * Variables the deployment files may set: those the apps read (their config specs), those
 * announced for the apps and not read yet, and the deployment's own.
 */
const ANNOUNCED = ['PREVIEW_PORT', 'PREVIEW_URL_TEMPLATE', 'PREVIEW_TOKEN_SECRET', 'REDIS_URL'];
const DEPLOYMENT_OWN = [
  // helm: the bundled database's password, which DATABASE_URL refers to as $(POSTGRES_PASSWORD).
  'POSTGRES_PASSWORD',
  // deploy/image/wait-for-migrations.cjs
  'WAIT_FOR_MIGRATIONS_TIMEOUT_SECONDS',
];
/** deploy/image/web-main.mjs */
export const WEB_VARIABLES = new Set(['WEB_HOST', 'WEB_PORT', 'API_URL', 'WEB_ROOT']);

export const APP_VARIABLES = new Set([
  ...Object.keys(API_CONFIG_SPEC),
  ...Object.keys(PREVIEW_CONFIG_SPEC),
  ...Object.keys(PUBLISH_CONFIG_SPEC),
  ...Object.keys(RUNNER_CONFIG_SPEC),
  ...ANNOUNCED,
  ...DEPLOYMENT_OWN,
]);

/** The names in `names` that no app reads: a typo or a renamed variable. */
export function unreadVariables(
  names: Iterable<string>,
  known: Set<string> = APP_VARIABLES,
): string[] {
  return [...new Set(names)].filter((name) => !known.has(name)).sort();
}

/** The variables the manifests give the api and runner images (env and the shared ConfigMap). */
export function appVariableNames(objects: K8sObject[]): string[] {
  return objects.flatMap((object) => [
    ...containers(object)
      .filter((container) => /^forge-(api|agent-runner):/.test(container.image))
      .flatMap((container) => (container.env ?? []).map((variable) => variable.name)),
    ...(object.kind === 'ConfigMap' ? Object.keys((object.data as object) ?? {}) : []),
  ]);
}

/** The variables the manifests give the web image. */
export function webVariableNames(objects: K8sObject[]): string[] {
  return objects.flatMap((object) =>
    containers(object)
      .filter((container) => /^forge-web:/.test(container.image))
      .flatMap((container) => (container.env ?? []).map((variable) => variable.name)),
  );
}
