/** Splits PUBLISH_URL_TEMPLATE (`http://{slug}.apps.localhost:3005`) into its parts. */
export function parsePublishTemplate(template: string): { hostSuffix: string; https: boolean } {
  const example = 'such as http://{slug}.apps.localhost:3005';
  let url: URL;
  try {
    url = new URL(template.replace('{slug}', 'x'));
  } catch {
    throw new Error(`PUBLISH_URL_TEMPLATE must be an absolute URL ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`PUBLISH_URL_TEMPLATE must use http or https, ${example}`);
  }
  if (!template.includes('{slug}.') || !url.hostname.startsWith('x.')) {
    throw new Error(`PUBLISH_URL_TEMPLATE must start its host with "{slug}.", ${example}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`PUBLISH_URL_TEMPLATE must have no path or query, ${example}`);
  }
  return { hostSuffix: url.hostname.slice(2), https: url.protocol === 'https:' };
}

/** The address an app published at `slug` answers on. */
export function publishedUrl(template: string, slug: string): string {
  return new URL(template.replace('{slug}', slug)).toString();
}
