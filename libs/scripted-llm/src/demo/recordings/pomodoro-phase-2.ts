import { type DemoPhaseRecording } from '../demo-recording';

/** Pomodoro timer, phase 2: the design answer and the SCOF answer, byte for byte. */
export const POMODORO_PHASE_2: DemoPhaseRecording = {
  design: {
    name: 'Pomodoro timer',
    description:
      'Phase 2 of 2: focus, short-break and long-break modes that follow each other on their own, a count of finished focus sessions, and the time left in the tab title. (A recorded generation, replayed by the offline demo model.)',
    files: [
      {
        path: 'src/modes.ts',
        purpose: 'The three modes, their lengths and which comes next',
      },
      {
        path: 'src/hooks/usePomodoro.ts',
        purpose: 'Mode, session count and the countdown together; updates the tab title',
      },
      {
        path: 'src/components/ModeTabs.tsx',
        purpose: 'Buttons to pick a mode',
      },
      {
        path: 'src/App.tsx',
        purpose: 'Adds the mode tabs and the session counter',
      },
    ],
    dependencies: [],
    lastPhase: true,
  },
  implementation: String.raw`Offline demo model (forge-demo): replaying a recorded generation of a pomodoro timer, phase 2 of 2 - break modes and the session counter.

cat > src/modes.ts << 'EOF'
export type Mode = 'focus' | 'shortBreak' | 'longBreak';

export const MODES: Record<Mode, { label: string; minutes: number }> = {
  focus: { label: 'Focus', minutes: 25 },
  shortBreak: { label: 'Short break', minutes: 5 },
  longBreak: { label: 'Long break', minutes: 15 },
};

export const MODE_ORDER: Mode[] = ['focus', 'shortBreak', 'longBreak'];

/** Every fourth focus session earns a long break. */
export const SESSIONS_PER_LONG_BREAK = 4;

export function secondsFor(mode: Mode): number {
  return MODES[mode].minutes * 60;
}

export function nextMode(finished: Mode, completedSessions: number): Mode {
  if (finished !== 'focus') return 'focus';
  return completedSessions % SESSIONS_PER_LONG_BREAK === 0 ? 'longBreak' : 'shortBreak';
}
EOF

cat > src/hooks/usePomodoro.ts << 'EOF'
import { useEffect, useState } from 'react';
import { formatTime } from '../format';
import { MODES, nextMode, secondsFor, type Mode } from '../modes';
import { useCountdown } from './useCountdown';

export function usePomodoro() {
  const [mode, setMode] = useState<Mode>('focus');
  const [completedSessions, setCompletedSessions] = useState(0);
  const timer = useCountdown(secondsFor('focus'), () => {
    const completed = mode === 'focus' ? completedSessions + 1 : completedSessions;
    setCompletedSessions(completed);
    switchTo(nextMode(mode, completed));
  });

  function switchTo(next: Mode) {
    setMode(next);
    timer.reset(secondsFor(next));
  }

  // The time left shows in the tab title, so it can be seen from other tabs.
  useEffect(() => {
    document.title = formatTime(timer.secondsLeft) + ' · ' + MODES[mode].label;
  }, [timer.secondsLeft, mode]);

  return {
    mode,
    completedSessions,
    secondsLeft: timer.secondsLeft,
    totalSeconds: secondsFor(mode),
    running: timer.running,
    start: timer.start,
    pause: timer.pause,
    reset: () => timer.reset(secondsFor(mode)),
    switchTo,
  };
}
EOF

cat > src/components/ModeTabs.tsx << 'EOF'
import { MODE_ORDER, MODES, type Mode } from '../modes';

interface ModeTabsProps {
  mode: Mode;
  onSelect: (mode: Mode) => void;
}

export function ModeTabs({ mode, onSelect }: ModeTabsProps) {
  return (
    <div className="flex justify-center gap-2" role="group" aria-label="Mode">
      {MODE_ORDER.map((value) => (
        <button
          key={value}
          type="button"
          aria-pressed={mode === value}
          onClick={() => onSelect(value)}
          className={
            mode === value
              ? 'rounded-full bg-rose-600 px-3 py-1 text-sm font-medium text-white'
              : 'rounded-full px-3 py-1 text-sm text-slate-600 hover:bg-rose-100'
          }
        >
          {MODES[value].label}
        </button>
      ))}
    </div>
  );
}
EOF

cat > src/App.tsx << 'EOF'
import { ModeTabs } from './components/ModeTabs';
import { TimerControls } from './components/TimerControls';
import { TimerDisplay } from './components/TimerDisplay';
import { usePomodoro } from './hooks/usePomodoro';
import { SESSIONS_PER_LONG_BREAK } from './modes';
import { SUBTITLE } from './subtitle';

export default function App() {
  const pomodoro = usePomodoro();
  const untilLongBreak =
    SESSIONS_PER_LONG_BREAK - (pomodoro.completedSessions % SESSIONS_PER_LONG_BREAK);

  return (
    <main className="min-h-screen bg-rose-50 px-4 py-12">
      <div className="mx-auto max-w-md space-y-8 rounded-2xl bg-white p-8 shadow">
        <header className="text-center">
          <h1 className="text-3xl font-bold text-slate-900">Pomodoro timer</h1>
          <p className="mt-1 text-slate-500">{SUBTITLE}</p>
        </header>
        <ModeTabs mode={pomodoro.mode} onSelect={pomodoro.switchTo} />
        <TimerDisplay secondsLeft={pomodoro.secondsLeft} totalSeconds={pomodoro.totalSeconds} />
        <TimerControls
          running={pomodoro.running}
          onStart={pomodoro.start}
          onPause={pomodoro.pause}
          onReset={pomodoro.reset}
        />
        <p className="text-center text-sm text-slate-500">
          Focus sessions done: {pomodoro.completedSessions}. Long break in {untilLongBreak}{' '}
          {untilLongBreak === 1 ? 'session' : 'sessions'}.
        </p>
      </div>
    </main>
  );
}
EOF

The pomodoro timer is complete: modes switch on their own, finished sessions are counted and the tab title shows the time left. (Replayed by the offline demo model.)
`,
};
