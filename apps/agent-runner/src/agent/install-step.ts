import { ErrorCode, type PhaseInfo } from '@forge/protocol';
import { AgentFailure } from './agent-failure';
import { type AgentRun } from './agent-run';
import { changesDependencyGraph, reloadDevServer } from './dev-server-reload';
import { installPackages, type PackageInstall } from './phase-install';

/**
 * INSTALLING_DEPS: installs the phase's packages (or takes the early install's result when it
 * covered them), records the versions installed, and reloads the dev server when it must.
 */
export async function installDeps(run: AgentRun): Promise<void> {
  let packages = run.phase.dependencies;
  const sandbox = await run.openSandbox();
  let phases: PhaseInfo[] | undefined;
  if (sandbox) {
    const number = run.phase.number;
    const early = run.earlyInstall?.phase === number ? await run.earlyInstall.result() : null;
    run.earlyInstall = null;
    const wrote = run.row.filesInFlight;
    // The `bun add` line may name more than the design did, and a package.json the model
    // wrote replaced what the early install added to it: then the install runs (again).
    const covered =
      early &&
      !wrote.includes('package.json') &&
      packages.every((spec) => early.requested.includes(spec));
    const install: PackageInstall = covered
      ? early
      : await installPackages(sandbox, packages, {
          ...run.deps.registry,
          signal: run.signal,
        });
    const { plan, result } = install;
    if (plan.notes.length) {
      await run.say(`About the packages: ${plan.notes.join(' ')}`);
    }
    if (packages.length) {
      // Versions whose peers fit what the project has, recorded exact for package.json and the zip.
      packages = plan.install;
      phases = run.row.phases.map((p) =>
        p.number === number ? { ...p, dependencies: packages } : p,
      );
    }
    if (result.output) {
      await run.emit({ type: 'log', stream: 'install', text: result.output });
    }
    if (!result.ok) {
      throw new AgentFailure(
        ErrorCode.InstallFailed,
        `Installing ${packages.join(' ') || 'the dependencies'} failed (exit ${result.exitCode}).`,
      );
    }
    // Files written while the phase streamed may import what was installed only now; a
    // replaced package may be loaded in the dev server; some configuration Vite reads once.
    const installedAfterFiles = !covered && install.plan.install.length > 0;
    if (installedAfterFiles || install.replaced.length || wrote.some(changesDependencyGraph)) {
      const reloaded = await reloadDevServer(sandbox, { signal: run.signal });
      if (reloaded) {
        run.restartedForPhase = number;
        const text = 'The dev server restarted to load the installed packages and configuration.';
        await run.emit({ type: 'log', stream: 'system', text });
      }
    }
  }
  await run.emit({ type: 'deps_installed', packages });
  await run.move({ type: 'deps_installed' }, phases ? { phases } : {});
}
