import { Inject, Injectable } from '@nestjs/common';
import { type RuntimeErrorReport } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';

interface Reported {
  /** When the page that raised it was loaded, as far as this runner can tell. */
  loadedAt: number;
  report: RuntimeErrorReport;
}

/**
 * The latest errors each project's preview reported from a browser (RUNTIME_ERRORS_KEPT a
 * project), for the checks after a phase. In memory: they describe the app running now.
 */
@Injectable()
export class RuntimeErrorLog {
  private readonly projects = new Map<string, Reported[]>();

  constructor(@Inject(RUNNER_CONFIG) private readonly config: RunnerConfig) {}

  add(projectId: string, reports: RuntimeErrorReport[], at = Date.now()): void {
    const kept = this.projects.get(projectId) ?? [];
    kept.push(...reports.map((report) => ({ loadedAt: at - (report.pageAgeMs ?? 0), report })));
    kept.splice(0, Math.max(0, kept.length - this.config.RUNTIME_ERRORS_KEPT));
    this.projects.set(projectId, kept);
  }

  /**
   * Errors of pages loaded at or after `time` (ms since the epoch): pages that ran the code as
   * it was then, not one hot-reloaded through the files of a phase on their way.
   */
  since(projectId: string, time: number): RuntimeErrorReport[] {
    return (this.projects.get(projectId) ?? [])
      .filter((entry) => entry.loadedAt >= time)
      .map((entry) => entry.report);
  }

  forget(projectId: string): void {
    this.projects.delete(projectId);
  }
}
