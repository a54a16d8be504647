import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { type RuntimeErrorReport, type ServerEvent } from '@forge/protocol';
import { RUNNER_CONFIG, type RunnerConfig } from '../config/runner-config';
import { EventHub } from '../events/event-hub';
import { runtimeProblems } from './app-checks';

/** Page loads remembered a project, newest kept: a load's errors are judged once, together. */
const LOADS_KEPT = 200;

interface Load {
  /** When the page was loaded, on this runner's clock (estimated from its first report). */
  loadedAt: number;
  /** The code version it ran, or null when it started before that version took effect. */
  version: number | null;
}

interface Reported {
  key: string;
  report: RuntimeErrorReport;
}

interface ProjectErrors {
  /** Code changes seen: every file written or deleted, every dev-server start of a phase. */
  version: number;
  /** When the latest version took effect: loads that started before it ran older code. */
  effectiveAt: number;
  loads: Map<string, Load>;
  /** Distinct errors of loads of the current version, first seen first. */
  kept: Reported[];
  /** Whether the last `problems` event of each source listed any (a change must clear them). */
  shown: { checks: boolean; browser: boolean };
}

/**
 * The errors previews reported from browsers, each tied to the code version its page load ran.
 * A code change (a file written or deleted, which Vite hot-reloads, or a phase's dev server
 * start) begins a new version: the errors kept so far are dropped, and a report from a page
 * loaded before the change took effect (RUNTIME_ERROR_SETTLE_MS after a write, for Vite to
 * see it) is dropped as it arrives. What a hot-reloaded page raises mixes two versions (React
 * hook-order errors while a phase's files stream in); only a fresh load tells the truth about
 * the code. In memory: these describe the app running now.
 */
@Injectable()
export class RuntimeErrorLog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RuntimeErrorLog.name);
  private readonly projects = new Map<string, ProjectErrors>();
  private unsubscribe: (() => void) | null = null;
  /** The runner's clock (a seam for tests). */
  now: () => number = Date.now;

  constructor(
    @Inject(RUNNER_CONFIG) private readonly config: RunnerConfig,
    private readonly hub: EventHub,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.hub.subscribe((event) => this.observe(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * Takes a browser's report. Answers whether the current errors changed (a new distinct one of
   * a current load); errors of superseded loads and repeats change nothing.
   */
  add(projectId: string, reports: RuntimeErrorReport[], at = this.now()): boolean {
    const project = this.project(projectId);
    let changed = false;
    for (const report of reports) {
      const load = this.load(project, report, at);
      if (load.version !== project.version) {
        continue;
      }
      const key = runtimeProblems([report])[0]!.key;
      if (project.kept.some((kept) => kept.key === key)) {
        continue;
      }
      if (project.kept.length >= this.config.RUNTIME_ERRORS_KEPT) {
        continue;
      }
      project.kept.push({ key, report });
      changed = true;
    }
    return changed;
  }

  /** The distinct errors of page loads that ran the current code. */
  current(projectId: string): RuntimeErrorReport[] {
    return (this.projects.get(projectId)?.kept ?? []).map((entry) => entry.report);
  }

  /** How long until the latest file change has taken effect (0 when it has), in ms. */
  settleLeft(projectId: string, now = this.now()): number {
    return Math.max(0, (this.projects.get(projectId)?.effectiveAt ?? 0) - now);
  }

  /** Records that `problems` of a source were sent, so that a code change clears them. */
  shown(projectId: string, source: 'checks' | 'browser', any: boolean): void {
    this.project(projectId).shown[source] = any;
  }

  /**
   * A new code version, taking effect at `effectiveAt`. Answers the sources whose errors were
   * on show and are now superseded.
   */
  codeChanged(projectId: string, effectiveAt: number): ('checks' | 'browser')[] {
    const project = this.project(projectId);
    project.version += 1;
    project.effectiveAt = Math.max(project.effectiveAt, effectiveAt);
    project.kept = [];
    const cleared = (['checks', 'browser'] as const).filter((source) => project.shown[source]);
    project.shown = { checks: false, browser: false };
    return cleared;
  }

  forget(projectId: string): void {
    this.projects.delete(projectId);
  }

  private observe(event: ServerEvent): void {
    let effectiveAt: number;
    if (event.type === 'file_end' || event.type === 'file_deleted') {
      effectiveAt = this.now() + this.config.RUNTIME_ERROR_SETTLE_MS;
    } else if (event.type === 'server_started') {
      // The agent waited out the settle time of its last write before it said so.
      effectiveAt = this.now();
    } else {
      return;
    }
    for (const source of this.codeChanged(event.projectId, effectiveAt)) {
      this.hub.emit(event.projectId, { type: 'problems', source, problems: [] }).catch((error) => {
        this.logger.warn(
          `project ${event.projectId}: superseded errors not cleared: ${(error as Error).message}`,
        );
      });
    }
  }

  private project(projectId: string): ProjectErrors {
    let project = this.projects.get(projectId);
    if (!project) {
      project = {
        version: 0,
        effectiveAt: 0,
        loads: new Map(),
        kept: [],
        shown: { checks: false, browser: false },
      };
      this.projects.set(projectId, project);
    }
    return project;
  }

  /** The report's page load; the first report of a load dates it, the rest follow it. */
  private load(project: ProjectErrors, report: RuntimeErrorReport, at: number): Load {
    const known = report.loadId === undefined ? undefined : project.loads.get(report.loadId);
    if (known) {
      return known;
    }
    // No age: a page whose load time is unknown cannot be tied to the code it ran.
    const loadedAt = report.pageAgeMs === undefined ? -Infinity : at - report.pageAgeMs;
    const load: Load = {
      loadedAt,
      version: loadedAt >= project.effectiveAt ? project.version : null,
    };
    if (report.loadId !== undefined) {
      project.loads.set(report.loadId, load);
      if (project.loads.size > LOADS_KEPT) {
        project.loads.delete(project.loads.keys().next().value!);
      }
    }
    return load;
  }
}
