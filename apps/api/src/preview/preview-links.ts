import { PREVIEW_TOKEN_PARAM } from '@forge/preview';

/** Splits PREVIEW_URL_TEMPLATE (`http://{projectId}.preview.localhost:3004`) into its parts. */
export function parsePreviewTemplate(template: string): { hostSuffix: string; https: boolean } {
  const example = 'such as http://{projectId}.preview.localhost:3004';
  let url: URL;
  try {
    url = new URL(template.replace('{projectId}', 'x'));
  } catch {
    throw new Error(`PREVIEW_URL_TEMPLATE must be an absolute URL ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`PREVIEW_URL_TEMPLATE must use http or https, ${example}`);
  }
  if (!template.includes('{projectId}.') || !url.hostname.startsWith('x.')) {
    throw new Error(`PREVIEW_URL_TEMPLATE must start its host with "{projectId}.", ${example}`);
  }
  return { hostSuffix: url.hostname.slice(2), https: url.protocol === 'https:' };
}

/** The link that opens a project's preview with its token. */
export function previewLink(template: string, projectId: string, token: string): string {
  const url = new URL(template.replace('{projectId}', projectId.toLowerCase()));
  url.searchParams.set(PREVIEW_TOKEN_PARAM, token);
  return url.toString();
}
