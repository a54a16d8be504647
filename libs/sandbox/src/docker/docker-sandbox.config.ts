import type { DockerOptions } from 'dockerode';

/** How the docker provider runs sandboxes. Every field has a default (DOCKER_SANDBOX_DEFAULTS). */
export interface DockerSandboxConfig {
  /** The sandbox image (image/Dockerfile, built here by image/build-offline.sh). */
  image: string;
  /** The user-defined bridge network sandboxes join; created (without inter-container traffic) when missing. */
  network: string;
  /** Containers are `<prefix>-<projectId>`, volumes `<prefix>-<projectId>-workspace`. */
  namePrefix: string;
  /** Memory limit per container, in bytes (swap is not allowed on top). */
  memoryBytes: number;
  /** CPU limit per container, in billionths of a CPU. */
  nanoCpus: number;
  /** Most processes and threads in one container. */
  pidsLimit: number;
  /** Size of the container's /tmp (a tmpfs, counted in its memory), in bytes. */
  tmpBytes: number;
  /** A sandbox without calls for this long is stopped; 0 never stops it. */
  idleTimeoutMs: number;
  installTimeoutMs: number;
  /** Longest run of a project tool (runTool) that does not give its own timeoutMs. */
  toolTimeoutMs: number;
  devServerStartTimeoutMs: number;
  /** How long `docker stop` waits before SIGKILL, in seconds. */
  stopTimeoutS: number;
  /** Log lines kept per sandbox. */
  logLines: number;
  /**
   * A CA bundle on the Docker host, mounted read-only with NODE_EXTRA_CA_CERTS pointing at it,
   * for registries behind a TLS-intercepting proxy (needed for `bun add` on such networks).
   */
  caBundlePath?: string;
  /** The npm registry bun uses in the sandbox; bun's default when unset. */
  npmRegistry?: string;
  /** How to reach the engine (socketPath, host, ...); dockerode's defaults (DOCKER_HOST) when unset. */
  docker?: DockerOptions;
  /** Where warnings go (a storage driver other than overlay2); process.emitWarning by default. */
  warn?: (message: string) => void;
}

export const DOCKER_SANDBOX_DEFAULTS: DockerSandboxConfig = {
  image: 'forge-sandbox:local',
  network: 'forge-sandbox',
  namePrefix: 'forge-sandbox',
  memoryBytes: 1024 * 1024 * 1024,
  nanoCpus: 1_000_000_000,
  pidsLimit: 256,
  tmpBytes: 256 * 1024 * 1024,
  idleTimeoutMs: 15 * 60_000,
  installTimeoutMs: 5 * 60_000,
  toolTimeoutMs: 3 * 60_000,
  devServerStartTimeoutMs: 60_000,
  stopTimeoutS: 2,
  logLines: 2000,
};
