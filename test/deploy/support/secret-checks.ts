import { type K8sObject, SECRET_VARIABLES, containers } from './k8s-validation';

/**
 * Variables carrying a secret that are written as literal values in a workload. A URL may be
 * literal when it holds no password of its own (or one from another variable: `$(POSTGRES_PASSWORD)`).
 */
export function inlinedSecrets(objects: K8sObject[]): string[] {
  const found: string[] = [];
  for (const object of objects) {
    for (const container of containers(object)) {
      for (const variable of container.env ?? []) {
        if (!SECRET_VARIABLES.test(variable.name) || variable.value === undefined) {
          continue;
        }
        const where = `${object.kind}/${object.metadata.name} ${container.name} ${variable.name}`;
        if (!variable.name.endsWith('_URL')) {
          found.push(where);
          continue;
        }
        const password = new URL(variable.value).password;
        if (password && !/^\$\([A-Z_]+\)$/.test(decodeURIComponent(password))) {
          found.push(where);
        }
      }
    }
  }
  return found;
}

/** The Secrets each workload's environment refers to, as `secret/key`. */
export function secretReferences(object: K8sObject): string[] {
  return containers(object).flatMap((container) =>
    (container.env ?? []).flatMap((variable) => {
      const ref = variable.valueFrom?.secretKeyRef;
      return ref ? [`${ref.name}/${ref.key}`] : [];
    }),
  );
}
