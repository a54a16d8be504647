import { type DemoPhaseRecording } from '../demo-recording';

/** Pomodoro timer, phase 1: the design answer and the SCOF answer, byte for byte. */
export const POMODORO_PHASE_1: DemoPhaseRecording = {
  design: {
    name: 'Pomodoro timer',
    description:
      'Phase 1 of 2: the page layout and a 25-minute focus countdown with Start, Pause and Reset. (A recorded generation, replayed by the offline demo model.)',
    files: [
      {
        path: 'src/subtitle.ts',
        purpose: 'The subtitle under the heading',
      },
      {
        path: 'src/format.ts',
        purpose: 'Formats seconds as MM:SS',
      },
      {
        path: 'src/hooks/useCountdown.ts',
        purpose: 'A countdown to a deadline with start, pause and reset',
      },
      {
        path: 'src/components/TimerDisplay.tsx',
        purpose: 'The big MM:SS clock and a progress bar',
      },
      {
        path: 'src/components/TimerControls.tsx',
        purpose: 'Start/Pause and Reset buttons',
      },
      {
        path: 'src/App.tsx',
        purpose: 'Page layout: heading, subtitle, clock and controls',
      },
    ],
    dependencies: [],
    lastPhase: false,
    title: 'Pomodoro timer',
    blueprint: {
      title: 'Pomodoro timer',
      summary:
        "A pomodoro timer: 25-minute focus sessions with short and long breaks, a session counter and the time left in the tab title. This is a recorded generation replayed by Forge's offline demo model, not a live answer.",
      views: [
        'Timer: heading, mode tabs, the clock with a progress bar, controls and the session count',
      ],
      roadmap: [
        'Phase 1: layout and a focus countdown with Start, Pause and Reset',
        'Phase 2: focus, short-break and long-break modes, switching on its own, a session counter and the time in the tab title',
      ],
    },
  },
  implementation: String.raw`Offline demo model (forge-demo): replaying a recorded generation of a pomodoro timer, phase 1 of 2 - the layout and the focus countdown.

cat > src/subtitle.ts << 'EOF'
// The line under the heading, kept apart so a small request can change it alone.
export const SUBTITLE = 'Focus for 25 minutes, then take a short break.';
EOF

cat > src/format.ts << 'EOF'
/** 1500 -> "25:00" */
export function formatTime(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return String(minutes).padStart(2, '0') + ':' + String(seconds).padStart(2, '0');
}
EOF

cat > src/hooks/useCountdown.ts << 'EOF'
import { useEffect, useRef, useState } from 'react';

const TICK_MS = 250;

/**
 * Counts down to a deadline rather than counting ticks: browsers slow timers in background
 * tabs, and the clock stays right anyway.
 */
export function useCountdown(initialSeconds: number, onFinish?: () => void) {
  const [secondsLeft, setSecondsLeft] = useState(initialSeconds);
  const [endsAt, setEndsAt] = useState<number | null>(null);
  const onFinishRef = useRef(onFinish);

  useEffect(() => {
    onFinishRef.current = onFinish;
  }, [onFinish]);

  useEffect(() => {
    if (endsAt === null) return;
    const timer = window.setInterval(() => {
      const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      setSecondsLeft(left);
      if (left === 0) {
        setEndsAt(null);
        onFinishRef.current?.();
      }
    }, TICK_MS);
    return () => window.clearInterval(timer);
  }, [endsAt]);

  const start = () => {
    if (endsAt === null && secondsLeft > 0) setEndsAt(Date.now() + secondsLeft * 1000);
  };
  const pause = () => setEndsAt(null);
  const reset = (seconds: number) => {
    setEndsAt(null);
    setSecondsLeft(seconds);
  };

  return { secondsLeft, running: endsAt !== null, start, pause, reset };
}
EOF

cat > src/components/TimerDisplay.tsx << 'EOF'
import { formatTime } from '../format';

interface TimerDisplayProps {
  secondsLeft: number;
  totalSeconds: number;
}

export function TimerDisplay({ secondsLeft, totalSeconds }: TimerDisplayProps) {
  const progress = totalSeconds === 0 ? 0 : 1 - secondsLeft / totalSeconds;

  return (
    <div className="space-y-4">
      <p className="text-center font-mono text-7xl font-bold tabular-nums text-slate-900" role="timer">
        {formatTime(secondsLeft)}
      </p>
      <div className="h-2 overflow-hidden rounded-full bg-slate-200">
        <div
          className="h-full bg-rose-500 transition-all"
          style={{ width: Math.round(progress * 100) + '%' }}
        />
      </div>
    </div>
  );
}
EOF

cat > src/components/TimerControls.tsx << 'EOF'
interface TimerControlsProps {
  running: boolean;
  onStart: () => void;
  onPause: () => void;
  onReset: () => void;
}

export function TimerControls({ running, onStart, onPause, onReset }: TimerControlsProps) {
  return (
    <div className="flex justify-center gap-3">
      <button
        type="button"
        onClick={running ? onPause : onStart}
        className="w-28 rounded-lg bg-rose-600 px-4 py-2 font-semibold text-white hover:bg-rose-700"
      >
        {running ? 'Pause' : 'Start'}
      </button>
      <button
        type="button"
        onClick={onReset}
        className="w-28 rounded-lg border border-slate-300 bg-white px-4 py-2 font-semibold text-slate-700 hover:bg-slate-50"
      >
        Reset
      </button>
    </div>
  );
}
EOF

cat > src/App.tsx << 'EOF'
import { useState } from 'react';
import { TimerControls } from './components/TimerControls';
import { TimerDisplay } from './components/TimerDisplay';
import { useCountdown } from './hooks/useCountdown';
import { SUBTITLE } from './subtitle';

const FOCUS_SECONDS = 25 * 60;

export default function App() {
  const [finished, setFinished] = useState(false);
  const timer = useCountdown(FOCUS_SECONDS, () => setFinished(true));

  return (
    <main className="min-h-screen bg-rose-50 px-4 py-12">
      <div className="mx-auto max-w-md space-y-8 rounded-2xl bg-white p-8 shadow">
        <header className="text-center">
          <h1 className="text-3xl font-bold text-slate-900">Pomodoro timer</h1>
          <p className="mt-1 text-slate-500">{SUBTITLE}</p>
        </header>
        <TimerDisplay secondsLeft={timer.secondsLeft} totalSeconds={FOCUS_SECONDS} />
        <TimerControls
          running={timer.running}
          onStart={() => {
            setFinished(false);
            timer.start();
          }}
          onPause={timer.pause}
          onReset={() => {
            setFinished(false);
            timer.reset(FOCUS_SECONDS);
          }}
        />
        {finished && (
          <p className="text-center font-medium text-rose-600">Time for a break!</p>
        )}
      </div>
    </main>
  );
}
EOF

Phase 1 is written: a 25-minute countdown with Start, Pause and Reset. Phase 2 adds break modes and a session counter. (Replayed by the offline demo model.)
`,
};
