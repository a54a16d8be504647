import fc from 'fast-check';
import { type RuntimeErrorReport, type ServerEvent, type UnsequencedEvent } from '@forge/protocol';
import { loadRunnerConfig } from '../config/runner-config';
import { type EventHub, type EventListener } from '../events/event-hub';
import { RuntimeErrorLog } from './runtime-error-log';

const PROJECT = 'p1';
const SETTLE_MS = 300;

/** The two things the log asks of the hub: to hear its events, and to send one. */
class RecordingHub {
  readonly sent: UnsequencedEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private seq = 0;

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(projectId: string, event: UnsequencedEvent): Promise<ServerEvent> {
    this.sent.push(event);
    const sequenced = { ...event, projectId, seq: ++this.seq } as ServerEvent;
    for (const listener of this.listeners) {
      listener(sequenced);
    }
    return Promise.resolve(sequenced);
  }
}

function setUp(kept = 1_000) {
  const hub = new RecordingHub();
  const log = new RuntimeErrorLog(
    loadRunnerConfig({
      DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
      APPS_DATABASE_KEY: 'k'.repeat(32),
      RUNTIME_ERRORS_KEPT: String(kept),
      RUNTIME_ERROR_SETTLE_MS: String(SETTLE_MS),
    }),
    hub as unknown as EventHub,
  );
  log.onModuleInit();
  let now = 1_000_000;
  log.now = () => now;
  return {
    hub,
    log,
    advance: (ms: number) => (now += ms),
    at: () => now,
    write: () =>
      void hub.emit(PROJECT, { type: 'file_end', path: 'src/App.tsx', content: '', phase: 1 }),
    serverStarted: () => void hub.emit(PROJECT, { type: 'server_started', phase: 1 }),
  };
}

function report(message: string, loadId: string, pageAgeMs: number): RuntimeErrorReport {
  return { kind: 'error', message, loadId, pageAgeMs };
}

describe(RuntimeErrorLog.name, () => {
  it('drops the errors of a page hot-reloaded through a write, keeps a fresh load of the result', () => {
    const { log, advance, write } = setUp();
    // A page open since before the phase: its hook-order error mixes two versions of the code.
    advance(10_000);
    write();
    advance(50);
    expect(log.add(PROJECT, [report('Rendered more hooks', 'old', 10_050)])).toBe(false);
    // Loaded before Vite saw the write (inside RUNTIME_ERROR_SETTLE_MS): not the new code either.
    advance(100);
    expect(log.add(PROJECT, [report('early', 'early', 0)])).toBe(false);
    advance(SETTLE_MS);
    expect(log.add(PROJECT, [report('TypeError: items.map', 'fresh', 0)])).toBe(true);
    expect(log.current(PROJECT).map((r) => r.message)).toEqual(['TypeError: items.map']);
    // The old page's later errors stay dropped: a load is judged once, on its first report.
    expect(log.add(PROJECT, [report('Rendered more hooks', 'old', 20_000)])).toBe(false);
  });

  it('counts an error once, however many tabs or reloads report it', () => {
    const { log, advance } = setUp();
    expect(log.add(PROJECT, [report('TypeError: x', 'tab-1', 10)])).toBe(true);
    advance(1_000);
    expect(log.add(PROJECT, [report('TypeError: x', 'tab-2', 10)])).toBe(false);
    expect(log.add(PROJECT, [report('TypeError: x', 'reloaded', 5)])).toBe(false);
    expect(log.current(PROJECT)).toHaveLength(1);
  });

  it('clears the shown errors when the code changes, and says so once', () => {
    const { hub, log, advance, write, serverStarted } = setUp();
    log.add(PROJECT, [report('TypeError: x', 'a', 0)]);
    log.shown(PROJECT, 'browser', true);
    log.shown(PROJECT, 'checks', true);
    advance(10);
    write();
    write();
    expect(log.current(PROJECT)).toEqual([]);
    const cleared = hub.sent.filter((event) => event.type === 'problems');
    expect(cleared).toEqual([
      { type: 'problems', source: 'checks', problems: [] },
      { type: 'problems', source: 'browser', problems: [] },
    ]);
    // A phase's server start is a version of its own: the preview reloads on it.
    advance(1_000);
    log.add(PROJECT, [report('TypeError: y', 'b', 0)]);
    serverStarted();
    expect(log.current(PROJECT)).toEqual([]);
    expect(log.settleLeft(PROJECT)).toBe(0);
  });

  it('says how long the last write takes to settle', () => {
    const { log, advance, write } = setUp();
    expect(log.settleLeft(PROJECT)).toBe(0);
    write();
    advance(100);
    expect(log.settleLeft(PROJECT)).toBe(SETTLE_MS - 100);
  });

  it('ties no error to the code when its page load time is unknown', () => {
    const { log } = setUp();
    expect(log.add(PROJECT, [{ kind: 'error', message: 'no age' }])).toBe(false);
  });

  type Step =
    | { kind: 'advance'; ms: number }
    | { kind: 'write' }
    | { kind: 'server' }
    | { kind: 'load' }
    | { kind: 'error'; load: number; message: string };

  const steps = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 800 }) }),
      fc.constant({ kind: 'write' as const }),
      fc.constant({ kind: 'server' as const }),
      fc.constant({ kind: 'load' as const }),
      fc.record({
        kind: fc.constant('error' as const),
        load: fc.nat(),
        message: fc.constantFrom('A', 'B', 'C'),
      }),
    ) as fc.Arbitrary<Step>,
    { maxLength: 60 },
  );

  it('keeps exactly the distinct errors of loads that began after the latest change took effect, over any interleaving', () => {
    fc.assert(
      fc.property(steps, (plan) => {
        const { log, advance, at, write, serverStarted } = setUp();
        // The model: when each load began, when the latest change took effect, every report.
        const loads: number[] = [];
        let effective = 0;
        const reports: { loadedAt: number; message: string }[] = [];
        for (const step of plan) {
          switch (step.kind) {
            case 'advance':
              advance(step.ms);
              break;
            case 'write':
              write();
              effective = Math.max(effective, at() + SETTLE_MS);
              break;
            case 'server':
              serverStarted();
              effective = Math.max(effective, at());
              break;
            case 'load':
              loads.push(at());
              // A change in the very millisecond a page loads is neither before nor after it.
              advance(1);
              break;
            case 'error': {
              if (loads.length === 0) {
                break;
              }
              const load = step.load % loads.length;
              const loadedAt = loads[load]!;
              log.add(PROJECT, [report(step.message, `load-${load}`, at() - loadedAt)]);
              reports.push({ loadedAt, message: step.message });
              break;
            }
          }
          const expected = [
            ...new Set(reports.filter((r) => r.loadedAt >= effective).map((r) => r.message)),
          ];
          expect(log.current(PROJECT).map((r) => r.message)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
