import { parseAllDocuments } from 'yaml';

/** One Kubernetes object as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface AttributeType {
  baseName: string;
  type: string;
}
type ModelClass = { getAttributeTypeMap(): AttributeType[] };
type ValidatedModel = new (data: unknown) => { validate(): void };

/** Every object of a multi-document YAML text; a document that does not parse fails. */
export function parseManifests(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) {
      continue;
    }
    const object = value as K8sObject;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      throw new Error(`${source}: a document without apiVersion and kind`);
    }
    objects.push(object);
  }
  return objects;
}

// One import at a time, kept: jest's ESM loader fails parallel imports of one module graph
// ("request for './model.js' is not in cache").
const modelModules = new Map<string, Record<string, unknown>>();
async function modelsOf(apiVersion: string): Promise<Record<string, unknown>> {
  let module = modelModules.get(apiVersion);
  if (!module) {
    module = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, unknown>;
    modelModules.set(apiVersion, module);
  }
  return module;
}

/**
 * Validates against the Kubernetes OpenAPI schema with the kubernetes-models class of the
 * object's apiVersion and kind (`kubernetes-models/apps/v1` exports `Deployment`, and so on).
 */
export async function validateSchema(object: K8sObject): Promise<void> {
  const module = await modelsOf(object.apiVersion);
  const Model = module[object.kind] as ValidatedModel | undefined;
  if (!Model) {
    throw new Error(`kubernetes-models has no ${object.kind} in ${object.apiVersion}`);
  }
  new Model(object).validate();
}

/**
 * The fields the API server would not know (a misspelt `readinesProbe` passes the schema, which
 * allows extra properties): checked against @kubernetes/client-node's models, field by field.
 */
export async function unknownFields(object: K8sObject): Promise<string[]> {
  const models = (await import('@kubernetes/client-node')) as unknown as Record<
    string,
    ModelClass | undefined
  >;
  const version = object.apiVersion.split('/').pop() ?? '';
  const rootType = `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}`;
  if (!models[rootType]) {
    throw new Error(`@kubernetes/client-node has no model ${rootType}`);
  }
  const unknown: string[] = [];
  const walk = (value: unknown, type: string, path: string): void => {
    if (value === null || value === undefined) {
      return;
    }
    const array = /^Array<(.+)>$/.exec(type);
    if (array) {
      if (Array.isArray(value)) {
        value.forEach((item, index) => walk(item, array[1]!, `${path}[${index}]`));
      }
      return;
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        walk(item, map[1]!, `${path}.${key}`);
      }
      return;
    }
    const model = models[type];
    if (!model || typeof model.getAttributeTypeMap !== 'function' || typeof value !== 'object') {
      return;
    }
    const attributes = model.getAttributeTypeMap();
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const attribute = attributes.find((candidate) => candidate.baseName === key);
      if (!attribute) {
        unknown.push(`${path}.${key}`);
      } else {
        walk(item, attribute.type, `${path}.${key}`);
      }
    }
  };
  walk(object, rootType, `${object.kind}/${object.metadata?.name}`);
  return unknown;
}

/** Both checks on each object, one object after the other; an empty list when all are valid. */
export async function problemsOf(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    problems.push(...(await manifestProblems(object)));
  }
  return problems;
}

/** Both checks; resolves to the problems found, an empty list when the object is valid. */
export async function manifestProblems(object: K8sObject): Promise<string[]> {
  const problems: string[] = [];
  try {
    await validateSchema(object);
  } catch (error) {
    problems.push(`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`);
  }
  for (const field of await unknownFields(object)) {
    problems.push(`unknown field ${field}`);
  }
  return problems;
}

/** The pod template of a workload (Deployment, StatefulSet, Job), or undefined. */
export function podSpec(object: K8sObject): Record<string, unknown> | undefined {
  const spec = object.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  return spec?.template?.spec;
}

export interface ContainerSpec {
  name: string;
  image: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
}

export function containers(object: K8sObject): ContainerSpec[] {
  const spec = podSpec(object);
  return [
    ...((spec?.initContainers as ContainerSpec[]) ?? []),
    ...((spec?.containers as ContainerSpec[]) ?? []),
  ];
}

/** Variable names that carry secrets: they must come from a Secret, never as a literal value. */
export const SECRET_VARIABLES = /(SECRET|TOKEN|PASSWORD|API_KEY|DATABASE_URL|REDIS_URL)$/;

/** The object of that kind and name; fails listing what there is. */
export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const object = objects.find((item) => item.kind === kind && item.metadata.name === name);
  if (!object) {
    throw new Error(
      `no ${kind}/${name} among ${objects.map((item) => `${item.kind}/${item.metadata.name}`).join(', ')}`,
    );
  }
  return object;
}

/** A container's variables: literal values, or their valueFrom. */
export function envOf(object: K8sObject, container: string): Record<string, unknown> {
  const spec = containers(object).find((item) => item.name === container);
  return Object.fromEntries(
    (spec?.env ?? []).map((variable) => [variable.name, variable.value ?? variable.valueFrom]),
  );
}
