import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { WorkspaceStore } from '../workspace-store';
import { type PlanRowStatus, planRows } from './plan-rows';

const STATUS_WORDS: Record<PlanRowStatus, string> = {
  designing: 'being designed',
  designed: 'in progress',
  implementing: 'written, starting',
  done: 'done',
  failed: 'failed',
  planned: 'to do',
  stopped: 'stopped',
};

const STATUS_MARKS: Record<PlanRowStatus, string> = {
  designing: '◌',
  designed: '◐',
  implementing: '◑',
  done: '✓',
  failed: '✕',
  planned: '○',
  stopped: '■',
};

/**
 * The plan of the request in one place: the blueprint's title and summary (first request), then
 * each phase with its files, a mark when done, errors in place. A follow-up's plan replaces it.
 */
@Component({
  selector: 'forge-plan-panel',
  templateUrl: './plan-panel.component.html',
  styleUrl: './plan-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PlanPanelComponent {
  private readonly store = inject(WorkspaceStore);

  protected readonly words = STATUS_WORDS;
  protected readonly marks = STATUS_MARKS;
  /** The blueprint belongs to the first request's plan; a follow-up's plan is its own. */
  protected readonly blueprint = computed(() => {
    const view = this.store.view();
    return view && view.request <= 1 ? view.blueprint : null;
  });
  protected readonly rows = computed(() => {
    const state = this.store.state();
    return state.view ? planRows(state.view, state.changed, state.notices) : [];
  });
  protected fixWords(status: PlanRowStatus): string {
    switch (status) {
      case 'done':
        return 'Fixed errors';
      case 'stopped':
        return 'Fix stopped';
      case 'failed':
        return 'Fix failed';
      default:
        return 'Fixing errors';
    }
  }

  protected readonly followUp = computed(() => (this.store.view()?.request ?? 0) > 1);
  /** The plan's own phases; fix phases the agent added are not counted. */
  protected readonly phaseCount = computed(() => this.rows().filter((row) => !row.fix).length);
  /** A fatal error no phase row shows (it happened outside a phase). */
  protected readonly looseError = computed(() => {
    const error = this.store.view()?.error;
    return error && !this.rows().some((row) => row.error) ? error.message : null;
  });
  protected readonly looseNotices = computed(() => {
    const numbers = new Set(this.rows().map((row) => row.key));
    return this.store
      .state()
      .notices.filter((notice) => notice.phase === undefined || !numbers.has(notice.phase));
  });
}
