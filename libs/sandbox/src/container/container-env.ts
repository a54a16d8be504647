/** Where the CA bundle is mounted inside the sandbox. */
export const SANDBOX_CA_BUNDLE_PATH = '/etc/ssl/forge/ca-bundle.crt';

/** Environment of every sandbox process, from the configuration. */
export function containerSandboxEnv(config: {
  caBundlePath?: string;
  npmRegistry?: string;
}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1' };
  if (config.caBundlePath) {
    env.NODE_EXTRA_CA_CERTS = SANDBOX_CA_BUNDLE_PATH;
  }
  if (config.npmRegistry) {
    env.NPM_CONFIG_REGISTRY = config.npmRegistry;
    env.BUN_CONFIG_REGISTRY = config.npmRegistry;
  }
  return env;
}
