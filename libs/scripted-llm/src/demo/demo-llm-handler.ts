import { formatForgeTaskLine, parseForgeTask } from '@forge/protocol';
import { type PhaseDesign } from '@forge/protocol';
import { type ChatMessage } from '../server/chat-message';
import { type ScriptedHandler } from '../server/scripted-reply';
import { chooseDemoApp } from './demo-apps';
import { followUpDesign, followUpImplementation } from './demo-follow-up';

/** The model id of the offline demo; the only one the demo server answers for. */
export const DEMO_MODEL_ID = 'forge-demo';

/** What the demo says to anything that is not a FORGE-TASK request. */
export const DEMO_CHAT_ANSWER =
  'This is the offline demo model (forge-demo). It does not understand requests: it replays ' +
  'recorded generations of three small apps: a todo list, a pomodoro timer and a guestbook ' +
  'kept in a database. Configure an LLM ' +
  `key to build anything else. (The agent's requests start with "${formatForgeTaskLine('design', 1)}".)`;

function designAnswer(design: PhaseDesign): string {
  return '```json\n' + JSON.stringify(design, null, 2) + '\n```\n';
}

/**
 * The demo's answer to a conversation: the recorded design or SCOF of the app the request
 * asks for (todo list unless it mentions a pomodoro or timer, or a guestbook or a database),
 * a subtitle change for a phase
 * past the recording, and a plain notice for anything else.
 */
export function demoAnswer(messages: readonly ChatMessage[]): string {
  const task = parseForgeTask(messages);
  if (!task) {
    return DEMO_CHAT_ANSWER;
  }
  const app = chooseDemoApp(task.request, messages);
  const recorded = app.phases[task.phase - 1];
  if (task.kind === 'design') {
    return designAnswer(recorded?.design ?? followUpDesign(app, task.phase, task.request));
  }
  return recorded?.implementation ?? followUpImplementation(task.phase, task.request);
}

/** The demo model as a script for createScriptedLlmServer; other model ids get a 404. */
export function createDemoLlmHandler(): ScriptedHandler {
  return (request) => {
    if (request.model !== DEMO_MODEL_ID) {
      return {
        fault: 'http',
        status: 404,
        code: 'model_not_found',
        retryable: false,
        message: `the offline demo server serves only the model "${DEMO_MODEL_ID}", not "${request.model}"`,
      };
    }
    return demoAnswer(request.messages);
  };
}
