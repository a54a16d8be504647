import fc from 'fast-check';
import { parseServerEvent } from '../agent/event-schemas';
import { type ServerEvent } from '../agent/events';
import { ErrorCode } from '../errors';
import { type ProjectSnapshot } from './project-snapshot';
import { parseRunnerEventBatch, parseRunnerLinkReply } from './runner-link';

const PROJECT = '11111111-1111-4111-8111-111111111111';

const EVENTS: ServerEvent[] = [
  { type: 'state_change', projectId: PROJECT, seq: 1, state: 'DESIGNING_PHASE', previous: 'IDLE' },
  { type: 'file_chunk', projectId: PROJECT, seq: 2, path: 'src/App.tsx', chunk: 'export' },
  {
    type: 'error',
    projectId: PROJECT,
    seq: 3,
    code: 'LLM_FAILED',
    message: 'The model did not answer.',
    fatal: false,
  },
  {
    type: 'problems',
    projectId: PROJECT,
    seq: 4,
    source: 'checks',
    problems: [{ tool: 'tsc', message: 'TS2322', text: 'src/App.tsx:1:1 TS2322', line: 1 }],
  },
];

const SNAPSHOT: ProjectSnapshot = {
  projectId: PROJECT,
  seq: 4,
  state: 'IDLE',
  blueprint: null,
  phases: [],
  currentPhase: 0,
  error: null,
  files: [{ path: 'index.html', content: '<!doctype html>' }],
  streaming: null,
  messages: [],
  messagesTruncated: false,
};

describe(parseServerEvent.name, () => {
  it('accepts each event in its documented shape, keys it does not know included', () => {
    for (const event of EVENTS) {
      expect(parseServerEvent(event)).toEqual({ ok: true, value: event });
    }
    const newer = { ...EVENTS[1]!, offset: 12 };
    expect(parseServerEvent(newer)).toEqual({ ok: true, value: newer });
  });

  it('refuses other shapes with a line naming the event and the field', () => {
    expect(parseServerEvent({ ...EVENTS[1]!, chunk: 42 })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^file_chunk: chunk: /),
    });
    expect(parseServerEvent({ ...EVENTS[0]!, state: 'DANCING' })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^state_change: state: /),
    });
    expect(parseServerEvent({ ...EVENTS[0]!, seq: -1 })).toMatchObject({ ok: false });
    expect(parseServerEvent({ type: 'teleport', projectId: PROJECT, seq: 5 })).toEqual({
      ok: false,
      problem: 'not an event: type "teleport"',
    });
    expect(parseServerEvent(null)).toMatchObject({ ok: false });
  });

  it('never passes junk and never throws (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBigInt: true }),
        (junk) => {
          expect(parseServerEvent(junk).ok).toBe(false);
        },
      ),
    );
  });

  it('refuses a valid event with any one field replaced by a value of another kind (property)', () => {
    const wrong = fc.oneof(fc.constant(null), fc.boolean(), fc.object(), fc.array(fc.integer()));
    fc.assert(
      fc.property(fc.constantFrom(...EVENTS), wrong, (event, value) => {
        for (const key of Object.keys(event).filter((k) => k !== 'fatal' && k !== 'problems')) {
          expect(parseServerEvent({ ...event, [key]: value }).ok).toBe(false);
        }
      }),
    );
  });
});

describe(parseRunnerEventBatch.name, () => {
  it('keeps the good events of a batch and names each bad one', () => {
    const batch = [EVENTS[0], { ...EVENTS[1]!, path: null }, 'junk', EVENTS[2]];
    const { events, problems } = parseRunnerEventBatch(batch);
    expect(events).toEqual([EVENTS[0], EVENTS[2]]);
    expect(problems).toEqual([
      expect.stringMatching(/^file_chunk: path: /),
      expect.stringMatching(/^not an event/),
    ]);
  });

  it('refuses a batch that is no list', () => {
    expect(parseRunnerEventBatch({ 0: EVENTS[0] })).toEqual({
      events: [],
      problems: ['events: not a list of events'],
    });
  });

  it('never lets junk through and never throws (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.array(fc.anything()), (junk, list) => {
        expect(parseRunnerEventBatch(junk).events).toEqual([]);
        expect(parseRunnerEventBatch(list).events).toEqual([]);
      }),
    );
  });
});

describe(parseRunnerLinkReply.name, () => {
  it("reads a command's result, and a refusal", () => {
    const answer = {
      ok: true,
      snapshot: SNAPSHOT,
      servedBy: 'r1',
      leaseOwner: null,
      missed: EVENTS,
    };
    expect(parseRunnerLinkReply('snapshot', answer)).toEqual({ ok: true, value: answer });
    const refusal = { ok: false, error: { code: ErrorCode.ProjectNotFound, message: 'No.' } };
    expect(parseRunnerLinkReply('snapshot', refusal)).toEqual({ ok: true, value: refusal });
  });

  it('reads a refusal code it does not know as INTERNAL', () => {
    expect(
      parseRunnerLinkReply('cancel', { ok: false, error: { code: 'NEWER', message: 'm' } }),
    ).toEqual({
      ok: true,
      value: { ok: false, error: { code: ErrorCode.Internal, message: 'm' } },
    });
  });

  it('refuses a result without what the command answers', () => {
    expect(parseRunnerLinkReply('hello', { ok: true })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^runnerId: /),
    });
    const badMissed = {
      ok: true,
      snapshot: SNAPSHOT,
      servedBy: 'r1',
      leaseOwner: null,
      missed: [{ ...EVENTS[1]!, seq: 'x' }],
    };
    expect(parseRunnerLinkReply('snapshot', badMissed)).toEqual({
      ok: false,
      problem: expect.stringContaining('file_chunk: seq: '),
    });
    expect(
      parseRunnerLinkReply('snapshot', {
        ...badMissed,
        missed: [],
        snapshot: { ...SNAPSHOT, files: 3 },
      }),
    ).toMatchObject({ ok: false });
  });

  it('never throws on junk (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const parsed = parseRunnerLinkReply('snapshot', junk);
        if (parsed.ok) {
          expect(parsed.value.ok).toBe(false);
        }
      }),
    );
  });
});
