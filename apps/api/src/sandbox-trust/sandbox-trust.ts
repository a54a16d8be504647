import { Logger } from '@nestjs/common';
import { type ApiConfig } from '../config/api-config';

/** What the API knows of how generated apps run, and what it means for sign-up. */
export interface SandboxTrust {
  provider: ApiConfig['SANDBOX_PROVIDER'];
  /** False only for the process provider without working isolation. */
  isolated: boolean;
  detail: string;
  /** SANDBOX_PROCESS_UNISOLATED: the operator accepts unisolated sandboxes for every user. */
  unisolatedAllowed: boolean;
  /** Sign-up closes once there is an account. */
  firstAccountOnly: boolean;
}

export const SANDBOX_TRUST = Symbol('SANDBOX_TRUST');

/**
 * Decides from the API's own configuration (the same SANDBOX_PROVIDER and
 * SANDBOX_PROCESS_ISOLATION as the runners') and, for the process provider, the same bubblewrap
 * probe the runner makes on this machine. The process provider runs on the API's machine
 * (`npm start`), so the probe answers for the runner too; with SANDBOX_PROCESS_ISOLATION=on the
 * runner refuses to start without isolation, so "isolated" is never claimed wrongly.
 */
export async function resolveSandboxTrust(config: ApiConfig): Promise<SandboxTrust> {
  const unisolatedAllowed = config.SANDBOX_PROCESS_UNISOLATED;
  if (config.SANDBOX_PROVIDER !== 'process') {
    const detail = `the ${config.SANDBOX_PROVIDER} provider`;
    return {
      provider: config.SANDBOX_PROVIDER,
      isolated: true,
      detail,
      unisolatedAllowed,
      firstAccountOnly: false,
    };
  }
  // Only the process part of @forge/sandbox, and only for this provider: its index would load
  // the docker and kubernetes clients.
  const { ProcessIsolation } = await import('@forge/sandbox/process');
  const isolation = new ProcessIsolation({
    mode: config.SANDBOX_PROCESS_ISOLATION === 'off' ? 'off' : 'auto',
    uid: config.SANDBOX_PROCESS_UID,
    gid: config.SANDBOX_PROCESS_GID,
    memoryMb: 0,
    pidsMax: 0,
    cpuSeconds: 0,
    tmpMb: 16,
    readOnlyPaths: [],
  });
  const status = await isolation.ready();
  return {
    provider: 'process',
    isolated: status.isolated,
    detail: status.detail,
    unisolatedAllowed,
    firstAccountOnly: !status.isolated && !unisolatedAllowed,
  };
}

/** The start-up log line that says what the sandbox set-up means for this server's users. */
export function logSandboxTrust(trust: SandboxTrust): void {
  const logger = new Logger('SandboxTrust');
  if (trust.isolated) {
    logger.log(`generated apps run isolated (${trust.detail})`);
  } else if (trust.firstAccountOnly) {
    logger.warn(
      `process sandboxes are NOT isolated (${trust.detail}): generated apps run with the runner's rights and could read every user's projects and Forge's secrets, so sign-up closes after the first account. Set SANDBOX_PROCESS_UNISOLATED=true to let others sign up anyway (only for users you trust with this machine).`,
    );
  } else {
    logger.warn(
      `process sandboxes are NOT isolated (${trust.detail}) and SANDBOX_PROCESS_UNISOLATED=true: every user's generated app runs with the runner's rights and can read other users' projects and Forge's secrets.`,
    );
  }
}
