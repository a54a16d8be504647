import { hostname } from 'node:os';
import { type ConfigOf, loadConfig, vars } from '@forge/config';
import { WORKSPACE_LIMITS } from '@forge/sandbox';

const OPENROUTER_URL = 'https://openrouter.ai/api/v1';

/** Every environment variable the agent-runner reads, with its default and what it is for. */
export const RUNNER_CONFIG_SPEC = {
  NODE_ENV: vars.oneOf(
    'development, production or test',
    ['development', 'production', 'test'] as const,
    {
      default: 'development',
    },
  ),
  RUNNER_HOST: vars.host('Interface the runner listens on (internal only)', {
    default: '127.0.0.1',
  }),
  RUNNER_PORT: vars.int('Port of the runner (health, and the API link)', {
    default: 3002,
    min: 0,
    max: 65535,
  }),
  RUNNER_ID: vars.string('This runner’s name in project leases (unique per replica)', {
    default: `${hostname()}-${process.pid}`,
  }),
  RUNNER_SERVICE_TOKEN: vars.string(
    'Token APIs present to open the link (at least 32 characters); unset, the runner accepts no API',
    { default: '', secret: true, minLength: 32 },
  ),
  DATABASE_URL: vars.url('PostgreSQL connection URL', {
    secret: true,
    protocols: ['postgres', 'postgresql'],
  }),
  DATABASE_POOL_SIZE: vars.int('Connections in the runner database pool', {
    default: 10,
    min: 1,
    max: 200,
  }),
  DATABASE_CONNECT_TIMEOUT_MS: vars.int(
    'Longest wait for a database connection, new or from the pool, in ms',
    { default: 5_000, min: 100 },
  ),
  DATABASE_QUERY_TIMEOUT_MS: vars.int(
    'Longest wait for one database query; a generation that hits it resumes when the database is back',
    { default: 15_000, min: 100 },
  ),

  LEASE_TTL_MS: vars.int('How long a project lease lasts without a heartbeat (takeover after)', {
    default: 15_000,
    min: 500,
  }),
  LEASE_HEARTBEAT_MS: vars.int(
    'How often a runner renews its leases and looks for orphaned projects',
    {
      default: 5_000,
      min: 100,
    },
  ),
  AGENT_MAX_PHASES: vars.int(
    'Most phases one request may take; the last allowed phase ends the plan',
    {
      default: 8,
      min: 1,
      max: 50,
    },
  ),
  AGENT_REQUEST_MAX_LENGTH: vars.int('Longest accepted request (prompt), in characters', {
    default: 20_000,
    min: 100,
  }),

  AGENT_FIX_MAX_ATTEMPTS: vars.int(
    'Fix phases the agent may run in a row after a phase leaves errors (0 turns fixing off)',
    { default: 2, min: 0, max: 10 },
  ),
  AGENT_CHECK_TSC: vars.bool('Type-check the app (tsc --noEmit) after each phase', {
    default: true,
  }),
  AGENT_CHECK_BUILD: vars.bool('Build the app with Vite after each phase to catch build errors', {
    default: true,
  }),
  AGENT_CHECK_TIMEOUT_MS: vars.int('Longest one check (type-check or build) may run, in ms', {
    default: 180_000,
    min: 1_000,
  }),
  AGENT_RUNTIME_ERROR_WAIT_MS: vars.int(
    'How long the checks wait after a phase for errors an open preview reports, in ms',
    { default: 1_500, min: 0 },
  ),
  NPM_REGISTRY_URL: vars.url(
    'npm registry asked which version of a requested package fits the project',
    { default: 'https://registry.npmjs.org' },
  ),
  NPM_REGISTRY_TIMEOUT_MS: vars.int('Deadline of one npm registry lookup, in ms', {
    default: 5_000,
    min: 100,
  }),
  NPM_REGISTRY_MAX_BYTES: vars.int('Largest package description read from the registry, in bytes', {
    default: 32 * 1024 * 1024,
    min: 1_024,
  }),
  AGENT_CHECK_LOG_MAX_CHARS: vars.int(
    'Most characters of check output shown to the user and given to a fix phase',
    { default: 8_000, min: 500 },
  ),
  AGENT_PATCH_PREFERRED_LINES: vars.int(
    'Files longer than this many lines are marked for the code model to change with a patch',
    { default: 150, min: 10 },
  ),
  RUNTIME_ERRORS_KEPT: vars.int('Runtime errors a runner keeps per project for the checks', {
    default: 50,
    min: 1,
  }),
  RUNTIME_ERROR_SETTLE_MS: vars.int(
    'Time after a file is written before a page load counts as running it (browser errors of earlier loads are dropped), in ms',
    { default: 300, min: 0, max: 10_000 },
  ),
  EDIT_FILE_MAX_BYTES: vars.int('Largest file a user may save from the editor, in bytes', {
    default: 512 * 1024,
    min: 1_024,
  }),
  AGENT_FILE_MAX_BYTES: vars.int(
    'Largest file the agent saves from an answer, in bytes (UTF-8); a larger block is refused',
    { default: 1_048_576, min: 1_024, max: WORKSPACE_LIMITS.maxFileBytes },
  ),
  AGENT_BINARY_FILE_MAX_BYTES: vars.int(
    'Largest binary file (an image in a `base64 -d` block) the agent saves, in decoded bytes',
    { default: 512 * 1024, min: 1_024, max: WORKSPACE_LIMITS.maxFileBytes },
  ),
  AGENT_ANSWER_MAX_FILES: vars.int(
    'Most file and patch blocks taken from one answer; later blocks are refused',
    { default: 500, min: 1, max: 10_000 },
  ),
  AGENT_ANSWER_ERRORS_SHOWN: vars.int(
    'Refusals of one answer sent one by one; the rest are counted in one summary at its end',
    { default: 5, min: 1, max: 1_000 },
  ),

  OPENROUTER_API_KEY: vars.optionalString('OpenRouter API key (the default LLM provider)', {
    secret: true,
  }),
  LLM_BASE_URL: vars.optionalUrl(
    'Any OpenAI-compatible server instead of OpenRouter (Ollama, vLLM, …)',
    { protocols: ['http', 'https'] },
  ),
  LLM_API_KEY: vars.optionalString('API key for LLM_BASE_URL', { secret: true }),
  LLM_MODEL_DESIGN: vars.optionalString('Model that designs phases (default: LLM_MODEL_CODE)'),
  LLM_MODEL_CODE: vars.optionalString(
    "Model that writes code (default: OpenRouter's anthropic/claude-sonnet-4.5, or the first model LLM_BASE_URL lists)",
  ),
  LLM_CALL_TIMEOUT_MS: vars.int('Longest one LLM call may take, in ms', {
    default: 600_000,
    min: 1_000,
  }),
  LLM_SILENCE_TIMEOUT_MS: vars.int(
    'Longest an LLM stream may stay silent before it is retried, in ms',
    {
      default: 60_000,
      min: 100,
    },
  ),
  LLM_MAX_RETRIES: vars.int('Retries of an LLM call after 429, 5xx, a dropped or silent stream', {
    default: 4,
    min: 0,
    max: 20,
  }),
  LLM_RETRY_BASE_DELAY_MS: vars.int('First retry delay; it doubles on each retry', {
    default: 1_000,
    min: 0,
  }),
  LLM_RETRY_MAX_DELAY_MS: vars.int('Longest delay between retries, in ms', {
    default: 30_000,
    min: 0,
  }),
  LLM_DESIGN_MAX_ATTEMPTS: vars.int(
    'Answers asked for one phase design before an invalid one fails it',
    {
      default: 3,
      min: 1,
      max: 10,
    },
  ),
  LLM_CONTEXT_MAX_CHARS: vars.int(
    'Budget of existing code sent as context with a request, in characters',
    {
      default: 120_000,
      min: 1_000,
    },
  ),

  SANDBOX_PROVIDER: vars.oneOf(
    'Where generated apps run: process, docker, kubernetes, or none (code only, no preview)',
    ['process', 'docker', 'kubernetes', 'none'] as const,
    { default: 'process' },
  ),
  SANDBOX_ROOT: vars.string('process provider: folder of the project workspaces', {
    default: '.data/sandboxes',
  }),
  SANDBOX_TEMPLATE_CACHE: vars.string(
    'process provider: folder of the prepared template (node_modules)',
    {
      default: '.data/template-cache',
    },
  ),
  SANDBOX_POOL_SIZE: vars.int('process provider: dev servers kept started ahead of demand', {
    default: 1,
    min: 0,
    max: 16,
  }),
  SANDBOX_IDLE_TIMEOUT_SECONDS: vars.int('An unused sandbox stops after this long (0: never)', {
    default: 900,
    min: 0,
  }),
  PUBLISH_SERVER_IDLE_TIMEOUT_SECONDS: vars.int(
    "A published app's server part nobody asked for this long stops, and starts on the next request (0: never)",
    { default: 1800, min: 0 },
  ),
  LINK_REPLAY_EVENTS_MAX: vars.int(
    'Latest events kept per project for clients that come back (file chunks excluded; 0: none)',
    { default: 500, min: 0 },
  ),
  LINK_REPLAY_PROJECTS_MAX: vars.int('Projects whose latest events are kept for replay', {
    default: 1_000,
    min: 1,
  }),
  SANDBOX_REAP_INTERVAL_SECONDS: vars.int(
    'How often (and once at start-up) sandboxes of deleted projects are destroyed (0: never)',
    { default: 600, min: 0 },
  ),
  SANDBOX_IMAGE: vars.string('docker/kubernetes: the sandbox image', {
    default: 'forge-sandbox:local',
  }),
  SANDBOX_DOCKER_NETWORK: vars.string('docker: the bridge network of the sandboxes', {
    default: 'forge-sandbox',
  }),
  SANDBOX_K8S_NAMESPACE: vars.string('kubernetes: the namespace of the sandbox pods', {
    default: 'forge-sandboxes',
  }),
  SANDBOX_MEMORY_MB: vars.int('docker/kubernetes: memory limit of one sandbox, in MB', {
    default: 1024,
    min: 128,
  }),
  SANDBOX_CPUS: vars.int('docker/kubernetes: CPU limit of one sandbox, in thousandths of a core', {
    default: 1000,
    min: 100,
  }),
  SANDBOX_PIDS_LIMIT: vars.int('docker: most processes in one sandbox', { default: 256, min: 16 }),
  SANDBOX_CA_BUNDLE: vars.optionalString(
    'docker: a CA bundle on the host mounted into sandboxes so `bun add` reaches the registry',
  ),

  SANDBOX_PROCESS_ISOLATION: vars.oneOf(
    'process provider: bubblewrap around every command — auto (where it works), on (or refuse to start), off',
    ['auto', 'on', 'off'] as const,
    { default: 'auto' },
  ),
  SANDBOX_PROCESS_UID: vars.int('process provider, as root: the uid sandboxed commands run as', {
    default: 65534,
    min: 1,
  }),
  SANDBOX_PROCESS_GID: vars.int('process provider, as root: the gid sandboxed commands run as', {
    default: 65534,
    min: 1,
  }),
  SANDBOX_PROCESS_MEMORY_MB: vars.int(
    'process provider: data memory of each sandboxed process (RLIMIT_DATA), in MB; 0: none',
    { default: 2048, min: 0 },
  ),
  SANDBOX_PROCESS_PIDS_MAX: vars.int(
    'process provider: processes and threads in one sandbox (RLIMIT_NPROC); 0: none',
    { default: 256, min: 0 },
  ),
  SANDBOX_PROCESS_CPU_SECONDS: vars.int(
    'process provider: CPU time of one install or check (RLIMIT_CPU), in seconds; 0: none',
    { default: 600, min: 0 },
  ),
  APPS_DATABASE_URL: vars.optionalUrl(
    "Admin connection to the PostgreSQL server of the apps' databases (unset: DATABASE_URL's server)",
    { secret: true, protocols: ['postgres', 'postgresql'] },
  ),
  APPS_DATABASE_KEY: vars.string(
    "Key sealing the apps' database passwords in Forge's database (AES-256-GCM; 32+ characters): the API's and the runners' must be the same",
    { secret: true, minLength: 32 },
  ),
  APPS_DATABASE_SANDBOX_HOST: vars.optionalString(
    "host[:port] of the apps' PostgreSQL as sandboxes reach it (unset: APPS_DATABASE_URL's)",
  ),
  APPS_DATABASE_REVOKE_PUBLIC_CONNECT: vars.bool(
    "Revoke PUBLIC's CONNECT on every database of the apps' server that is not a project's (postgres, template1, …), so an app's role opens only its own; false on a shared server whose other users rely on that grant (Forge's own database and the admin's are closed all the same)",
    { default: true },
  ),
  APPS_DATABASE_CONNECTION_LIMIT: vars.int("Connections one app's database role may open", {
    default: 10,
    min: 1,
    max: 1_000,
  }),
  APPS_DATABASE_MAX_BYTES: vars.int(
    "Size an app's database may reach; checked after its migrations, a larger one is reported",
    { default: 256 * 1024 * 1024, min: 1024 * 1024 },
  ),
  APPS_DATABASE_MIGRATION_TIMEOUT_MS: vars.int(
    'Longest one app migration may run (statement_timeout), in ms; it then fails and is undone',
    { default: 30_000, min: 100 },
  ),
  SANDBOX_MAX_PER_USER: vars.int(
    'Running sandboxes one user may have on a runner; the least recently used sleeps first',
    { default: 3, min: 1 },
  ),
  GENERATIONS_MAX_PER_USER: vars.int('Generations one user may run at once; more are refused', {
    default: 2,
    min: 1,
  }),

  THUMBNAIL_CHROMIUM_PATH: vars.string(
    'Chromium that pictures the preview for the dashboard when a version is recorded; off, or a path that is not there: no thumbnails',
    { default: '/usr/bin/chromium' },
  ),
  THUMBNAIL_TIMEOUT_MS: vars.int('Deadline of one thumbnail (load, render, picture), in ms', {
    // A dev server's first page load compiles every module; on a busy machine that takes a while.
    default: 45_000,
    min: 1_000,
  }),
  THUMBNAIL_SETTLE_MS: vars.int('Wait after the preview loaded before it is pictured, in ms', {
    default: 800,
    min: 0,
  }),
  THUMBNAIL_WIDTH: vars.int('Width of a thumbnail in pixels (the page is 1280×800, scaled)', {
    default: 400,
    min: 80,
    max: 1280,
  }),
  THUMBNAIL_MAX_BYTES: vars.int('Largest thumbnail kept, in bytes; a larger one is dropped', {
    default: 300_000,
    min: 1_000,
  }),
};

export type RunnerConfig = ConfigOf<typeof RUNNER_CONFIG_SPEC>;

export const RUNNER_CONFIG = Symbol('RUNNER_CONFIG');

export function loadRunnerConfig(
  source: Record<string, string | undefined> = process.env,
): RunnerConfig {
  return loadConfig(RUNNER_CONFIG_SPEC, source);
}

export type LlmEndpoint =
  | { kind: 'openai-compatible'; baseURL: string; apiKey: string }
  | { kind: 'openrouter'; baseURL: string; apiKey: string }
  | { kind: 'demo' };

/** Which LLM the runner talks to: LLM_BASE_URL, else OpenRouter, else the offline demo. */
export function llmEndpoint(config: RunnerConfig): LlmEndpoint {
  if (config.LLM_BASE_URL) {
    return {
      kind: 'openai-compatible',
      baseURL: config.LLM_BASE_URL,
      apiKey: config.LLM_API_KEY ?? 'none',
    };
  }
  if (config.OPENROUTER_API_KEY) {
    return { kind: 'openrouter', baseURL: OPENROUTER_URL, apiKey: config.OPENROUTER_API_KEY };
  }
  return { kind: 'demo' };
}
