import { PREVIEW_RENDERED_MESSAGE, RUNTIME_ERROR_LIMITS } from '@forge/protocol';

/** Paths the preview server answers itself, never the dev server. */
export const REPORTER_SCRIPT_PATH = '/__forge/reporter.js';
export const RUNTIME_ERRORS_PATH = '/__forge/errors';
export const FORGE_PATH_PREFIX = '/__forge/';

/** How the reporter script in a preview page batches what it sends. */
export const REPORTER_LIMITS = {
  /** Errors raised within this many ms of the first go in one report. */
  batchMs: 250,
  /** Reports one page load sends at most; later errors are dropped (a render loop stays quiet). */
  maxReportsPerPage: 20,
  /** Largest body sent with fetch keepalive on pagehide (browsers allow 64 KiB in flight). */
  keepaliveMaxBytes: 60_000,
} as const;

/** After load, how long the reporter waits for the app to draw before it says so anyway. */
export const PREVIEW_RENDER_WAIT_MS = 5_000;

/** Largest HTML document the preview holds to add the reporter; a bigger one passes unchanged. */
export const REPORTER_HTML_MAX_BYTES = 5 * 1024 * 1024;

/**
 * An absolute path up to a project's own top-level entry (`/srv/forge/ws/p1/src/App.tsx` →
 * `src/App.tsx`), never a URL's path (`http://host/src/App.tsx` stays): the same rule as the
 * runner's cleaning of tool output, for the text the browser shows.
 */
export const HOST_PATH =
  /(?<![\w:/.~-])(?:file:\/\/)?\/(?:[^\s"'()[\]:,/]+\/)+?(?=(?:src|public|node_modules|index\.html|package\.json|vite\.config\.[cm]?[jt]s|tsconfig[\w.]*\.json|postcss\.config\.[cm]?js|tailwind\.config\.[cm]?[jt]s)(?![\w.-]))/g;

const HOST_PATH_SOURCE = HOST_PATH.toString();

/** What goes first in every HTML page of a preview: a classic script, so it runs before the app. */
export const REPORTER_TAG = `<script src="${REPORTER_SCRIPT_PATH}"></script>`;

/**
 * The reporter (browser JavaScript, served as REPORTER_SCRIPT_PATH): reports uncaught errors,
 * unhandled rejections and console.error calls of the page to RUNTIME_ERRORS_PATH, each distinct
 * one once per page, in batches. It keeps the page's own fetch and console.error working as before.
 */
export const REPORTER_SCRIPT = `(() => {
  const KEY = Symbol.for('forge.reporter');
  if (window[KEY]) return;
  window[KEY] = true;
  const ENDPOINT = ${JSON.stringify(RUNTIME_ERRORS_PATH)};
  const BATCH_MS = ${REPORTER_LIMITS.batchMs};
  const MAX_REPORTS = ${REPORTER_LIMITS.maxReportsPerPage};
  const KEEPALIVE_BYTES = ${REPORTER_LIMITS.keepaliveMaxBytes};
  const MAX_CHARS = ${RUNTIME_ERROR_LIMITS.maxMessageChars};
  const MAX_ERRORS = ${RUNTIME_ERROR_LIMITS.maxErrorsPerReport};
  const MAX_BYTES = ${RUNTIME_ERROR_LIMITS.maxReportBytes};
  const post = window.fetch.bind(window);
  // One id per page load: the runner ties all of a load's errors to the code version it ran.
  const LOAD_ID = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('');
  const bytes = (text) => new TextEncoder().encode(text).length;
  const seen = new Set();
  let queue = [];
  let timer = 0;
  let reports = 0;

  const cut = (text) => (typeof text === 'string' ? text.slice(0, MAX_CHARS) : undefined);
  const describe = (value) => {
    try {
      if (typeof value === 'string') return value;
      if (value instanceof Error) return value.name + ': ' + value.message;
      const json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch {
      return Object.prototype.toString.call(value);
    }
  };
  // console.error's own substitutions (%s, %o, %c...), which React's warnings use.
  const format = (args) => {
    const rest = args.slice();
    const first =
      typeof rest[0] === 'string' && rest[0].includes('%')
        ? rest.shift().replace(/%[sdifoOc%]/g, (spec) => {
            if (spec === '%%') return '%';
            if (rest.length === 0) return spec;
            const value = rest.shift();
            return spec === '%c' ? '' : describe(value);
          })
        : undefined;
    return (first === undefined ? [] : [first]).concat(rest.map(describe)).join(' ');
  };

  const send = (leaving) => {
    clearTimeout(timer);
    timer = 0;
    while (queue.length > 0 && reports < MAX_REPORTS) {
      const batch = queue.splice(0, MAX_ERRORS);
      // How long this page has been loaded: the runner counts only errors of pages loaded
      // after a phase's code was complete (a hot reload on the way can raise passing errors).
      const age = Math.max(0, Math.round(performance.now()));
      for (const report of batch) {
        report.pageAgeMs = age;
        report.loadId = LOAD_ID;
      }
      let body = JSON.stringify(batch);
      while (batch.length > 1 && bytes(body) > MAX_BYTES) {
        queue.unshift(batch.pop());
        body = JSON.stringify(batch);
      }
      reports += 1;
      const keepalive = leaving === true && bytes(body) <= KEEPALIVE_BYTES;
      try {
        post(ENDPOINT, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'same-origin',
          keepalive,
          body,
        }).catch(() => {});
      } catch {}
    }
    if (reports >= MAX_REPORTS) queue = [];
  };

  const add = (kind, message, stack, source) => {
    if (reports >= MAX_REPORTS) return;
    const report = { kind, message: cut(String(message)), stack: cut(stack), source: cut(source) };
    const key = kind + '\\n' + report.message + '\\n' + (report.source || '');
    if (seen.has(key)) return;
    seen.add(key);
    queue.push(report);
    if (queue.length >= MAX_ERRORS) send(false);
    else if (!timer) timer = setTimeout(send, BATCH_MS, false);
  };

  const original = console.error;
  console.error = function (...args) {
    try {
      const error = args.find((arg) => arg instanceof Error);
      add('console.error', format(args), error && error.stack);
    } catch {}
    return original.apply(this, args);
  };
  addEventListener('error', (event) => {
    const error = event.error;
    const where = event.filename ? event.filename + ':' + event.lineno + ':' + event.colno : undefined;
    if (error instanceof Error) add('error', describe(error), error.stack, where);
    else add('error', event.message || describe(error), undefined, where);
  });
  addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    add('unhandledrejection', describe(reason), reason instanceof Error ? reason.stack : undefined);
  });
  addEventListener('pagehide', () => send(true));

  // Tells the framing window when the app has drawn after its load: an element in the body that
  // is not a script and shows text or has a size (or the wait ran out), two frames later.
  const RENDERED = ${JSON.stringify(PREVIEW_RENDERED_MESSAGE)};
  const drawn = () =>
    Array.from(document.body ? document.body.querySelectorAll('*') : []).some(
      (el) =>
        !['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(el.tagName) &&
        el.id !== 'vite-error-overlay' &&
        el.getClientRects().length > 0 &&
        ((el.textContent || '').trim() !== '' || el.getBoundingClientRect().height > 0),
    );
  const tellRendered = () =>
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        try {
          if (window.parent !== window) window.parent.postMessage({ type: RENDERED, loadId: LOAD_ID }, '*');
        } catch {}
      }),
    );
  addEventListener('load', () => {
    if (drawn()) return tellRendered();
    const observer = new MutationObserver(() => {
      if (!drawn()) return;
      observer.disconnect();
      clearTimeout(giveUp);
      tellRendered();
    });
    const giveUp = setTimeout(() => {
      observer.disconnect();
      tellRendered();
    }, ${PREVIEW_RENDER_WAIT_MS});
    observer.observe(document.documentElement, { childList: true, subtree: true });
  });

  // Vite's error overlay shows what the dev server sends over its hot-reload socket, with the
  // sandbox's absolute paths in it; the page gets them project-relative (src/App.tsx).
  const HOST_PATH = ${HOST_PATH_SOURCE};
  const relative = (value) => {
    if (typeof value === 'string') return value.replace(HOST_PATH, '');
    if (Array.isArray(value)) return value.map(relative);
    if (value && typeof value === 'object') {
      const out = {};
      for (const key of Object.keys(value)) out[key] = relative(value[key]);
      return out;
    }
    return value;
  };
  const cleanEvent = (event) => {
    if (typeof event.data !== 'string' || !event.data.includes('"error"')) return event;
    try {
      const payload = JSON.parse(event.data);
      if (!payload || payload.type !== 'error') return event;
      return new MessageEvent('message', {
        data: JSON.stringify(relative(payload)),
        origin: event.origin,
        lastEventId: event.lastEventId,
      });
    } catch {
      return event;
    }
  };
  const NativeWebSocket = window.WebSocket;
  if (typeof NativeWebSocket === 'function') {
    const native = NativeWebSocket.prototype;
    const wrappers = new WeakMap();
    const wrap = (listener) => {
      if (typeof listener !== 'function') return listener;
      let wrapped = wrappers.get(listener);
      if (!wrapped) {
        wrapped = function (event) {
          return listener.call(this, cleanEvent(event));
        };
        wrappers.set(listener, wrapped);
      }
      return wrapped;
    };
    class ForgeWebSocket extends NativeWebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        const list = Array.isArray(protocols) ? protocols : [protocols];
        if (!list.includes('vite-hmr')) return;
        this.addEventListener = function (type, listener, options) {
          const chosen = type === 'message' ? wrap(listener) : listener;
          return native.addEventListener.call(this, type, chosen, options);
        };
        this.removeEventListener = function (type, listener, options) {
          const chosen = type === 'message' ? wrappers.get(listener) || listener : listener;
          return native.removeEventListener.call(this, type, chosen, options);
        };
        let handler = null;
        Object.defineProperty(this, 'onmessage', {
          get: () => handler,
          set: (value) => {
            if (handler) native.removeEventListener.call(this, 'message', wrap(handler));
            handler = typeof value === 'function' ? value : null;
            if (handler) native.addEventListener.call(this, 'message', wrap(handler));
          },
        });
      }
    }
    window.WebSocket = ForgeWebSocket;
  }
})();
`;

/**
 * The HTML document with REPORTER_TAG first in its <head> (else after <html>, else after the
 * doctype, else at the start after a BOM), unless it has the tag already. Works on the bytes:
 * the tag is ASCII, and latin1 keeps one character per byte for the search.
 */
export function injectReporter(html: Buffer): Buffer {
  const text = html.toString('latin1');
  if (text.includes(REPORTER_TAG)) {
    return html;
  }
  const at = insertionPoint(text);
  return Buffer.concat([html.subarray(0, at), Buffer.from(REPORTER_TAG), html.subarray(at)]);
}

const OPENING_TAGS = [/<head(?:\s[^>]*)?>/i, /<html(?:\s[^>]*)?>/i, /<!doctype[^>]*>/i];

function insertionPoint(text: string): number {
  for (const tag of OPENING_TAGS) {
    const found = tag.exec(text);
    if (found) {
      return found.index + found[0].length;
    }
  }
  return text.startsWith('\xef\xbb\xbf') ? 3 : 0;
}

/** Whether a response is an HTML document the reporter can be put into as it is. */
export function isInjectableHtml(headers: {
  'content-type'?: string;
  'content-encoding'?: string;
}): boolean {
  const type = (headers['content-type'] ?? '').toLowerCase();
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  // A compressed body is passed on untouched; UTF-16 bytes cannot take an ASCII tag.
  return (
    type.split(';')[0]!.trim() === 'text/html' &&
    (encoding === '' || encoding === 'identity') &&
    !/charset\s*=\s*"?utf-16/.test(type)
  );
}
