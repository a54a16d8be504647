import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { describeProjectState } from './project-state';

/** A project's state as one word in its own colour, as cards and the workspace header show it. */
@Component({
  selector: 'forge-project-state-badge',
  template: '{{ view().label }}',
  styleUrl: './project-state-badge.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[attr.data-tone]': 'view().tone' },
})
export class ProjectStateBadgeComponent {
  readonly state = input.required<string>();
  protected readonly view = computed(() => describeProjectState(this.state()));
}
