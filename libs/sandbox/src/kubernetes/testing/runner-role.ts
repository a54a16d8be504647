import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One rule of a Kubernetes Role. */
export interface RoleRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The plain manifests' Role for the runner (the chart renders the same rules: k8s-manifests.spec). */
const ROLE_FILE = join(__dirname, '../../../../../k8s/sandbox-rbac.yaml');

/** The rules of the Role the runner has in the sandbox namespace, as shipped. */
export function runnerRoleRules(): RoleRule[] {
  for (const document of parseAllDocuments(readFileSync(ROLE_FILE, 'utf8'))) {
    const object = document.toJS() as { kind?: string; rules?: RoleRule[] } | null;
    if (object?.kind === 'Role') {
      return object.rules ?? [];
    }
  }
  throw new Error(`no Role in ${ROLE_FILE}`);
}

const REQUEST =
  /^(GET|POST|PUT|PATCH|DELETE) \/(?:api\/v1|apis\/([^/]+)\/v1)\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/;
const VERBS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * The requests (as FakeKubernetesApi records them, `METHOD /path`) that `rules` do not allow,
 * with the resource and verb Kubernetes would check: a GET of a collection is `list`, of one
 * object `get`; a subresource (pods/exec, a websocket GET) is checked as `get`.
 */
export function requestsNotAllowed(requests: string[], rules: RoleRule[]): string[] {
  return [
    ...new Set(
      requests.flatMap((request) => {
        const match = REQUEST.exec(request);
        if (!match) {
          return [`${request} (not a namespaced request)`];
        }
        const [, method, group = '', plural, name, sub] = match;
        const resource = sub ? `${plural}/${sub}` : plural!;
        const verb = method === 'GET' ? (name ? 'get' : 'list') : VERBS[method!]!;
        const allowed = rules.some(
          (rule) =>
            rule.apiGroups.includes(group) &&
            rule.resources.includes(resource) &&
            rule.verbs.includes(verb),
        );
        return allowed ? [] : [`${verb} ${group ? `${group}/` : ''}${resource}`];
      }),
    ),
  ];
}
