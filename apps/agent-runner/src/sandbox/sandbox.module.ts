import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { resolve } from 'node:path';
import {
  DockerSandboxProvider,
  KubernetesSandboxProvider,
  ProcessSandboxProvider,
  type SandboxProvider,
} from '@forge/sandbox';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';

export const SANDBOX_PROVIDER = Symbol('SANDBOX_PROVIDER');

/** The provider SANDBOX_PROVIDER names, configured from the runner's variables; null for none. */
export function createSandboxProvider(config: RunnerConfig): SandboxProvider | null {
  const idleTimeoutMs = config.SANDBOX_IDLE_TIMEOUT_SECONDS * 1000;
  switch (config.SANDBOX_PROVIDER) {
    case 'none':
      return null;
    case 'process':
      return new ProcessSandboxProvider({
        root: resolve(config.SANDBOX_ROOT),
        templateCacheRoot: resolve(config.SANDBOX_TEMPLATE_CACHE),
        poolSize: config.SANDBOX_POOL_SIZE,
        idleTimeoutMs,
        isolation: config.SANDBOX_PROCESS_ISOLATION,
        sandboxUid: config.SANDBOX_PROCESS_UID,
        sandboxGid: config.SANDBOX_PROCESS_GID,
        memoryMb: config.SANDBOX_PROCESS_MEMORY_MB,
        pidsMax: config.SANDBOX_PROCESS_PIDS_MAX,
        cpuSeconds: config.SANDBOX_PROCESS_CPU_SECONDS,
      });
    case 'docker':
      return new DockerSandboxProvider({
        image: config.SANDBOX_IMAGE,
        network: config.SANDBOX_DOCKER_NETWORK,
        memoryBytes: config.SANDBOX_MEMORY_MB * 1024 * 1024,
        nanoCpus: config.SANDBOX_CPUS * 1_000_000,
        pidsLimit: config.SANDBOX_PIDS_LIMIT,
        idleTimeoutMs,
        ...(config.SANDBOX_CA_BUNDLE ? { caBundlePath: config.SANDBOX_CA_BUNDLE } : {}),
        warn: (message) => new Logger('DockerSandbox').warn(message),
      });
    case 'kubernetes':
      return new KubernetesSandboxProvider({
        namespace: config.SANDBOX_K8S_NAMESPACE,
        image: config.SANDBOX_IMAGE,
        memoryLimit: `${config.SANDBOX_MEMORY_MB}Mi`,
        cpuLimit: `${config.SANDBOX_CPUS}m`,
        idleTimeoutMs,
      });
  }
}

export const sandboxProviders: Provider[] = [
  {
    provide: SANDBOX_PROVIDER,
    inject: [RUNNER_CONFIG],
    useFactory: createSandboxProvider,
  },
];

/** Warms the process provider (template, pool) at boot; stops every sandbox at shutdown. */
@Injectable()
export class SandboxLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sandbox');

  constructor(@Inject(SANDBOX_PROVIDER) private readonly provider: SandboxProvider | null) {}

  /** With SANDBOX_PROCESS_ISOLATION=on and no working bubblewrap, the start fails here. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.provider instanceof ProcessSandboxProvider) {
      const provider = this.provider;
      const status = await provider.isolationStatus();
      if (status.isolated) {
        this.logger.log(`process sandboxes are isolated: ${status.detail}`);
      } else {
        this.logger.warn(
          `process sandboxes are NOT isolated (${status.detail}): generated apps run with this runner's rights and can read its data folder; serve one trusted user only (see README, SANDBOX_PROCESS_UNISOLATED)`,
        );
      }
      provider.warmUp().catch((error: unknown) => {
        this.logger.error(`could not prepare the app template: ${(error as Error).message}`);
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}
