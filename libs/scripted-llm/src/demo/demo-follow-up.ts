import { type PhaseDesign } from '@forge/protocol';
import { type DemoApp } from './demo-recording';

/** The one file a follow-up rewrites; every recorded app keeps its subtitle there. */
export const FOLLOW_UP_FILE = 'src/subtitle.ts';
/** Longest subtitle a follow-up writes; a longer request is cut, ending in "…". */
export const FOLLOW_UP_SUBTITLE_MAX_LENGTH = 80;

const DEFAULT_SUBTITLE = 'Changed by the offline demo model.';
// "…" or “…”: the words the user wants, when they quoted them.
const QUOTED = /["\u201c]([^"\u201d\n]+)["\u201d]/;

/** The quoted text of the request, else its first line, cut to the limit. */
export function followUpSubtitle(request: string | null): string {
  if (request === null) {
    return DEFAULT_SUBTITLE;
  }
  const quoted = QUOTED.exec(request)?.[1]?.trim();
  const text = quoted || request.split('\n', 1)[0].trim();
  if (text === '') {
    return DEFAULT_SUBTITLE;
  }
  const codePoints = Array.from(text);
  return codePoints.length <= FOLLOW_UP_SUBTITLE_MAX_LENGTH
    ? text
    : codePoints.slice(0, FOLLOW_UP_SUBTITLE_MAX_LENGTH - 1).join('') + '\u2026';
}

/** The design of a phase past the recording: one last phase that changes the subtitle. */
export function followUpDesign(app: DemoApp, phase: number, request: string | null): PhaseDesign {
  const subtitle = followUpSubtitle(request);
  return {
    name: app.heading,
    description:
      `Phase ${phase}: the subtitle under the heading becomes "${subtitle}". ` +
      'The offline demo model cannot really edit code: a follow-up request only changes this line.',
    files: [{ path: FOLLOW_UP_FILE, purpose: `The subtitle under the heading, now "${subtitle}"` }],
    dependencies: [],
    lastPhase: true,
  };
}

/** The SCOF of a phase past the recording: a rewrite of the subtitle file. */
export function followUpImplementation(phase: number, request: string | null): string {
  const subtitle = followUpSubtitle(request);
  return [
    `Offline demo model (forge-demo): phase ${phase} only changes the subtitle under the heading.`,
    '',
    `cat > ${FOLLOW_UP_FILE} << 'EOF'`,
    '// The line under the heading, kept apart so a small request can change it alone.',
    // JSON string syntax is valid TypeScript and escapes quotes, backslashes and controls.
    `export const SUBTITLE = ${JSON.stringify(subtitle)};`,
    'EOF',
    '',
    `The subtitle now reads "${subtitle}". (Written by the offline demo model.)`,
    '',
  ].join('\n');
}
