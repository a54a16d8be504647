import { messageText, type ChatMessage } from '../server/chat-message';
import { type DemoApp, type DemoAppId } from './demo-recording';
import { GUESTBOOK_PHASE_1 } from './recordings/guestbook-phase-1';
import { GUESTBOOK_PHASE_2 } from './recordings/guestbook-phase-2';
import { POMODORO_PHASE_1 } from './recordings/pomodoro-phase-1';
import { POMODORO_PHASE_2 } from './recordings/pomodoro-phase-2';
import { TODO_PHASE_1 } from './recordings/todo-phase-1';
import { TODO_PHASE_2 } from './recordings/todo-phase-2';

export const DEMO_APPS: Readonly<Record<DemoAppId, DemoApp>> = {
  todo: {
    id: 'todo',
    heading: 'Todo list',
    keywords: /\b(todos?|to-dos?|tasks?|checklists?|chores?)\b/i,
    phases: [TODO_PHASE_1, TODO_PHASE_2],
  },
  pomodoro: {
    id: 'pomodoro',
    heading: 'Pomodoro timer',
    keywords: /\b(pomodoros?|timers?|countdown|tomato)\b/i,
    phases: [POMODORO_PHASE_1, POMODORO_PHASE_2],
  },
  guestbook: {
    id: 'guestbook',
    heading: 'Guestbook',
    keywords: /\b(guest ?books?|full[- ]?stack|databases?|backend|server routes?)\b/i,
    // Phase 1 is the whole app; phase 2, the first follow-up, adds a column by a new migration.
    phases: [GUESTBOOK_PHASE_1, GUESTBOOK_PHASE_2],
  },
};

/**
 * Asked first: a request for a database goes to the guestbook, the only app that has one; an
 * app both others match goes to the pomodoro ("a timer for my tasks").
 */
const KEYWORD_ORDER: readonly DemoAppId[] = ['guestbook', 'pomodoro', 'todo'];

/**
 * Picks the recording to replay: by keywords in the user's request; else by an app's heading
 * found anywhere in the conversation (a follow-up sees the project's files); else the todo list.
 */
export function chooseDemoApp(request: string | null, messages: readonly ChatMessage[]): DemoApp {
  for (const id of KEYWORD_ORDER) {
    if (request && DEMO_APPS[id].keywords.test(request)) {
      return DEMO_APPS[id];
    }
  }
  const conversation = messages.map(messageText).join('\n');
  for (const id of KEYWORD_ORDER) {
    if (conversation.includes(DEMO_APPS[id].heading)) {
      return DEMO_APPS[id];
    }
  }
  return DEMO_APPS.todo;
}
