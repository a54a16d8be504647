import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterRenderEffect,
  computed,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { type ChatMessageView } from '@forge/protocol/socket/project-snapshot';
import { ModelPickerComponent } from '../../models/model-picker.component';
import { usageLabel } from '../../models/model-list';
import { AutofocusDirective } from '../../core/autofocus.directive';
import { PlanPanelComponent } from '../plan/plan-panel.component';
import { WorkspaceStore } from '../workspace-store';

/** The longest request the box takes; the API checks GENERATE_PROMPT_MAX_CHARS (20,000) too. */
export const CHAT_PROMPT_MAX_LENGTH = 20_000;
/** Within this many pixels of the bottom, the conversation keeps scrolling with new content. */
const STICK_TO_BOTTOM_PX = 48;

const SPEAKERS = { user: 'You', assistant: 'Forge', system: 'Forge (system)' } as const;

/**
 * The conversation: the user's requests and the agent's messages, the plan of the current
 * request, and the box for the next request. Enter sends, Shift+Enter breaks the line; Stop
 * appears while the agent works.
 */
@Component({
  selector: 'forge-chat-panel',
  imports: [AutofocusDirective, ModelPickerComponent, PlanPanelComponent],
  templateUrl: './chat-panel.component.html',
  styleUrl: './chat-panel.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatPanelComponent {
  protected readonly store = inject(WorkspaceStore);
  /** Stop was pressed (the page stops the generation). */
  readonly stop = output<void>();

  protected readonly speakers = SPEAKERS;
  protected readonly promptMaxLength = CHAT_PROMPT_MAX_LENGTH;
  /** The conversation cut after the latest request, where that request's plan goes. */
  protected readonly conversation = computed(() => conversationItems(this.store.messages()));
  /** Tokens and cost of the request running (or last run) on this page, and of the project. */
  protected readonly usage = computed(() => {
    const request = this.store.state().requestUsage;
    const project = this.store.projectUsage();
    if (project.calls === 0) {
      return null;
    }
    const total = `Project: ${usageLabel(project.tokens, project.costUsd)}`;
    return request.calls > 0
      ? `This request: ${usageLabel(request.tokens, request.costUsd)} · ${total}`
      : total;
  });
  protected readonly hasFiles = computed(() => this.store.paths().length > 0);
  protected readonly canSend = computed(
    () => this.store.draft().trim() !== '' && this.store.canGenerate(),
  );
  protected readonly placeholder = computed(() =>
    this.hasFiles() ? 'Ask for a change…' : 'Describe the app to build…',
  );
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private readonly stickToBottom = signal(true);
  /** What grows the conversation: new messages, a prompt on its way, the plan's progress. */
  private readonly growth = computed(() => {
    const state = this.store.state();
    const view = state.view;
    return [
      this.store.messages().length,
      this.store.sending(),
      view?.phases.length,
      view?.currentPhase,
      view?.streaming?.path,
      view?.error?.message,
      state.notices.length,
    ].join('|');
  });

  constructor() {
    afterRenderEffect({
      write: () => {
        this.growth();
        if (this.stickToBottom()) {
          const element = this.scroller().nativeElement;
          element.scrollTop = element.scrollHeight;
        }
      },
    });
  }

  protected onScroll(): void {
    const element = this.scroller().nativeElement;
    const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
    this.stickToBottom.set(distance <= STICK_TO_BOTTOM_PX);
  }

  /** Enter sends, Shift+Enter breaks the line (UI.md); an IME composition keeps its Enter. */
  protected onEnter(event: Event): void {
    const keyboardEvent = event as KeyboardEvent;
    if (keyboardEvent.shiftKey || keyboardEvent.isComposing) {
      return;
    }
    keyboardEvent.preventDefault();
    void this.send();
  }

  protected async send(): Promise<void> {
    if (!this.canSend()) {
      return;
    }
    const prompt = this.store.draft();
    this.store.setDraft('');
    this.stickToBottom.set(true);
    await this.store.generate(prompt);
  }
}

/** A message of the conversation, or the place of the plan (message null). */
export interface ConversationItem {
  readonly key: string;
  readonly message: ChatMessageView | null;
}

/** The messages in order, with the plan right after the latest user request (first if none). */
export function conversationItems(messages: readonly ChatMessageView[]): ConversationItem[] {
  let last = messages.length - 1;
  while (last >= 0 && messages[last].role !== 'user') {
    last--;
  }
  const items: ConversationItem[] = messages.map((message) => ({ key: message.id, message }));
  items.splice(last + 1, 0, { key: 'plan', message: null });
  return items;
}
