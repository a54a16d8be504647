import { createHash } from 'node:crypto';

/** A file of a published site, ready to send. */
export interface SiteEntry {
  content: Buffer;
  contentType: string;
  /** A strong validator of the content (quoted, as sent in ETag). */
  etag: string;
  /** Vite's hashed output (`assets/*-<hash>.*`): cached for a year, never revalidated. */
  immutable: boolean;
}

/** A built app as the published-app server serves it: its files by path (`index.html`, …). */
export interface PublishedSite {
  files: ReadonlyMap<string, SiteEntry>;
  /** Bytes of content, for a cache's accounting. */
  bytes: number;
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  cjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  pdf: 'application/pdf',
};

/** The Content-Type a file is served with, by its extension; unknown ones as plain bytes. */
export function contentTypeOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

const HASHED_ASSET = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** Indexes a build's files for serving: content type, ETag and caching decided once. */
export function publishedSite(files: readonly { path: string; content: Buffer }[]): PublishedSite {
  const entries = new Map<string, SiteEntry>();
  let bytes = 0;
  for (const { path, content } of files) {
    bytes += content.length;
    entries.set(path, {
      content,
      contentType: contentTypeOf(path),
      etag: `"${createHash('sha256').update(content).digest('base64url').slice(0, 27)}"`,
      immutable: HASHED_ASSET.test(path),
    });
  }
  return { files: entries, bytes };
}

export type SiteLookup =
  | { kind: 'file'; path: string; entry: SiteEntry }
  /** A request path no file can have (`..`, NUL, bad escapes): 400, never a file read. */
  | { kind: 'bad' }
  | { kind: 'missing' };

/**
 * Which file answers a request path: the file itself, a folder's index.html, else the app's
 * index.html for a path that names a page rather than a file (no extension; a single-page app
 * routes it in the browser). Dot segments and encoded slashes are refused, not resolved: a
 * path never walks outside the site, and the site is a map, not a folder.
 */
export function lookupSitePath(site: PublishedSite, rawPath: string): SiteLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad' };
  }
  if (!decoded.startsWith('/') || /[\0\\]/.test(decoded) || /%2f/i.test(rawPath)) {
    return { kind: 'bad' };
  }
  const segments = decoded.slice(1).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) {
    return { kind: 'bad' };
  }
  const path = segments.filter(Boolean).join('/');
  const found = (candidate: string): SiteLookup | null => {
    const entry = site.files.get(candidate);
    return entry ? { kind: 'file', path: candidate, entry } : null;
  };
  const direct = path === '' ? null : found(path);
  if (direct) {
    return direct;
  }
  const index = found(path === '' ? 'index.html' : `${path}/index.html`);
  if (index) {
    return index;
  }
  const last = segments.at(-1) ?? '';
  if (!last.includes('.') || last.endsWith('.html')) {
    return found('index.html') ?? { kind: 'missing' };
  }
  return { kind: 'missing' };
}
