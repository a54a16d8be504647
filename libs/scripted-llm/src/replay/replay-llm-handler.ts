import { type PhaseDesign, parseForgeTask } from '@forge/protocol';
import { type ChatMessage } from '../server/chat-message';
import { type ScriptedHandler } from '../server/scripted-reply';

/** One file of a replayed app, as the model writes it. */
export interface ReplayFile {
  path: string;
  /** The text, or with encoding 'base64' the base64 of a binary file's bytes. */
  content: string;
  /** A binary file (an image): written as a `base64 -d` block. */
  encoding?: 'base64';
}

/** Characters of a base64 block's lines, as `base64` wraps them. */
const BASE64_LINE = 76;

/**
 * A complete app the replay model "writes": answered to the first request as one phase (its
 * files, the packages beyond the starter's as a `bun add` line, starter files it replaces
 * removed), to a fix call with a phase that changes nothing, and to the follow-up request with
 * one rewritten file.
 */
export interface ReplayApp {
  id: string;
  /** The first request; a conversation whose request is this text gets this app. */
  request: string;
  title: string;
  files: ReplayFile[];
  /** Starter files the app does not use, removed with `rm -f`. */
  removes: string[];
  /** Install specs for `bun add` (nothing when empty). */
  packages: string[];
  followUp: { request: string; file: ReplayFile };
}

/** What the replay model says to a conversation that is none of its apps' requests. */
export const REPLAY_UNKNOWN_REQUEST = 'The replay model knows no app for this request.';

function designAnswer(design: PhaseDesign): string {
  return '```json\n' + JSON.stringify(design, null, 2) + '\n```\n';
}

/** A heredoc terminator that no line of the content equals. */
function terminator(content: string): string {
  const lines = new Set(content.split('\n'));
  let word = 'EOF';
  while (lines.has(word)) {
    word += '_';
  }
  return word;
}

/**
 * Files in the stream format (SCOF): `cat > path << 'EOF'` … `EOF`, and a binary file as
 * `base64 -d > path << 'EOF'` with its base64 in lines of 76 characters.
 */
export function scofFiles(files: readonly ReplayFile[]): string[] {
  return files.flatMap((file) => {
    if (file.encoding === 'base64') {
      const lines: string[] = [];
      for (let at = 0; at < file.content.length; at += BASE64_LINE) {
        lines.push(file.content.slice(at, at + BASE64_LINE));
      }
      return [`base64 -d > ${file.path} << 'EOF'`, ...lines, 'EOF', ''];
    }
    const end = terminator(file.content);
    const body = file.content.endsWith('\n') ? file.content : `${file.content}\n`;
    return [`cat > ${file.path} << '${end}'`, ...body.slice(0, -1).split('\n'), end, ''];
  });
}

function appDesign(app: ReplayApp): PhaseDesign {
  return {
    name: app.title,
    description: `The whole of ${app.title} in one phase.`,
    files: app.files.map((file) => ({ path: file.path, purpose: `Part of ${app.title}` })),
    dependencies: app.packages,
    lastPhase: true,
    blueprint: { title: app.title, summary: app.request, views: [app.title], roadmap: [] },
  };
}

function appImplementation(app: ReplayApp): string {
  return [
    `Here is ${app.title}.`,
    '',
    ...app.removes.map((path) => `rm -f ${path}`),
    ...(app.packages.length ? [`bun add ${app.packages.join(' ')}`] : []),
    '',
    ...scofFiles(app.files),
    'Done.',
    '',
  ].join('\n');
}

/** A fix that changes nothing: the first text file written again as it is. */
function unchanged(app: ReplayApp): ReplayFile {
  return app.files.find((file) => !file.encoding) ?? app.files[0]!;
}

function oneFileDesign(app: ReplayApp, file: ReplayFile, what: string): PhaseDesign {
  return {
    name: what,
    description: `${what} in ${file.path}.`,
    files: [{ path: file.path, purpose: what }],
    dependencies: [],
    lastPhase: true,
  };
}

/** The replay model's answer to one conversation of Forge's agent. */
export function replayAnswer(apps: readonly ReplayApp[], messages: readonly ChatMessage[]): string {
  const task = parseForgeTask(messages);
  if (!task) {
    return REPLAY_UNKNOWN_REQUEST;
  }
  const app = apps.find((a) => a.request === task.request || a.followUp.request === task.request);
  if (!app) {
    return REPLAY_UNKNOWN_REQUEST;
  }
  if (app.followUp.request === task.request) {
    const file = app.followUp.file;
    return task.kind === 'design'
      ? designAnswer(oneFileDesign(app, file, 'The requested change'))
      : ['Changing it.', '', ...scofFiles([file])].join('\n');
  }
  if (task.phase === 1) {
    return task.kind === 'design' ? designAnswer(appDesign(app)) : appImplementation(app);
  }
  const file = unchanged(app);
  return task.kind === 'design'
    ? designAnswer(oneFileDesign(app, file, 'Nothing to change'))
    : ['The app is as it should be; writing it again unchanged.', '', ...scofFiles([file])].join(
        '\n',
      );
}

/** The replay model as a script for createScriptedLlmServer (any model id). */
export function createReplayLlmHandler(apps: readonly ReplayApp[]): ScriptedHandler {
  return (request) => replayAnswer(apps, request.messages);
}
