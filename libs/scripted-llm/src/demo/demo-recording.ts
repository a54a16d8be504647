import { type PhaseDesign } from '@forge/protocol';

/** One recorded phase: what the model answered to its design call and to its implement call. */
export interface DemoPhaseRecording {
  design: PhaseDesign;
  /** SCOF with a line of prose before and after, exactly as streamed. */
  implementation: string;
}

export type DemoAppId = 'todo' | 'pomodoro' | 'guestbook';

export interface DemoApp {
  id: DemoAppId;
  /** The app's visible h1, exactly. */
  heading: string;
  /** Words in a request that pick this app. */
  keywords: RegExp;
  phases: readonly DemoPhaseRecording[];
}
