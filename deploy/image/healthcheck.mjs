// The images' HEALTHCHECK: exits 0 when GET http://127.0.0.1:<port><path> answers 2xx.
// Usage: node healthcheck.mjs <PORT_VARIABLE> <default port> <path>; the slim images have no curl.
const TIMEOUT_MS = 4000;

const [portVariable, defaultPort, path] = process.argv.slice(2);
const port = process.env[portVariable] || defaultPort;
const url = `http://127.0.0.1:${port}${path}`;

const controller = new AbortController();
const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
try {
  const response = await fetch(url, { signal: controller.signal });
  if (!response.ok) {
    console.error(`healthcheck: ${url} answered ${response.status}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`healthcheck: ${url} did not answer within ${TIMEOUT_MS} ms: ${error.message}`);
  process.exitCode = 1;
} finally {
  clearTimeout(timer);
}
