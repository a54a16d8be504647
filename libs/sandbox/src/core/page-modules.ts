/** Most modules fetched for one page, so a loop of imports cannot run forever. */
export const MAX_PAGE_MODULES = 1000;

export interface PageModule {
  url: string;
  status: number;
  body: string;
}

const SCRIPT_SRC = /<script[^>]+src="([^"]+)"/g;
const IMPORT =
  /(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/**
 * Fetches a dev server's page and every same-origin module it loads, level by level in
 * parallel as a browser would, and returns them all; `ok` is true when each answered 200.
 * "Every module of the page answers" is what the benchmark and the journey test wait for.
 */
export async function fetchPageModules(
  origin: string,
  path = '/',
): Promise<{ ok: boolean; page: PageModule; modules: PageModule[] }> {
  const pageResponse = await fetch(new URL(path, origin));
  const page = { url: path, status: pageResponse.status, body: await pageResponse.text() };
  const seen = new Set<string>();
  const modules: PageModule[] = [];
  let level = [...page.body.matchAll(SCRIPT_SRC)].map((match) => match[1]!);
  while (level.length > 0 && seen.size < MAX_PAGE_MODULES) {
    const fresh = level.filter((url) => url.startsWith('/') && !seen.has(url));
    fresh.forEach((url) => seen.add(url));
    const fetched = await Promise.all(
      fresh.map(async (url) => {
        const response = await fetch(new URL(url, origin));
        return { url, status: response.status, body: await response.text() };
      }),
    );
    modules.push(...fetched);
    level = fetched.flatMap((module) =>
      [...module.body.matchAll(IMPORT)].map((match) => (match[1] ?? match[2])!),
    );
  }
  const ok = page.status === 200 && modules.every((module) => module.status === 200);
  return { ok, page, modules };
}
