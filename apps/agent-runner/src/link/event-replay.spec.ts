import fc from 'fast-check';
import { type ServerEvent } from '@forge/protocol';
import { EventReplay } from './event-replay';

const PROJECT = 'p1';

function log(seq: number, projectId = PROJECT): ServerEvent {
  return { type: 'log', projectId, seq, stream: 'install', text: `line ${seq}` };
}

function chunk(seq: number): ServerEvent {
  return { type: 'file_chunk', projectId: PROJECT, seq, path: 'a.ts', chunk: 'x' };
}

describe(EventReplay.name, () => {
  it('answers the kept events after `since` up to the snapshot, file chunks left out', () => {
    const replay = new EventReplay(100, 10);
    for (let seq = 1; seq <= 6; seq++) {
      replay.keep(seq % 2 ? log(seq) : chunk(seq));
    }
    expect(replay.between(PROJECT, 1, 5).map((event) => event.seq)).toEqual([3, 5]);
    expect(replay.between(PROJECT, 5, 6)).toEqual([]);
  });

  it('keeps the latest events of a project within its bound', () => {
    const replay = new EventReplay(3, 10);
    for (let seq = 1; seq <= 10; seq++) {
      replay.keep(log(seq));
    }
    expect(replay.between(PROJECT, 0, 10).map((event) => event.seq)).toEqual([8, 9, 10]);
  });

  it('forgets the project whose latest event is oldest past the bound on projects', () => {
    const replay = new EventReplay(10, 2);
    replay.keep(log(1, 'a'));
    replay.keep(log(1, 'b'));
    replay.keep(log(2, 'a'));
    replay.keep(log(1, 'c'));
    expect(replay.between('a', 0, 9)).toHaveLength(2);
    expect(replay.between('b', 0, 9)).toEqual([]);
    expect(replay.between('c', 0, 9)).toHaveLength(1);
  });

  it('keeps nothing when its bound is 0, and nothing of a forgotten project', () => {
    const none = new EventReplay(0, 2);
    none.keep(log(1));
    expect(none.between(PROJECT, 0, 9)).toEqual([]);
    const replay = new EventReplay(5, 2);
    replay.keep(log(1));
    replay.forget(PROJECT);
    expect(replay.between(PROJECT, 0, 9)).toEqual([]);
  });
});

/** EventReplay written plainly: a list of projects by latest kept event, arrays of events. */
function model(all: ServerEvent[], perProject: number, projects: number) {
  const order: string[] = [];
  const kept = new Map<string, ServerEvent[]>();
  for (const event of all) {
    if (event.type === 'file_chunk' || event.type === 'file_end' || perProject === 0) {
      continue;
    }
    const at = order.indexOf(event.projectId);
    if (at >= 0) {
      order.splice(at, 1);
    }
    order.push(event.projectId);
    kept.set(event.projectId, [...(kept.get(event.projectId) ?? []), event].slice(-perProject));
    if (order.length > projects) {
      kept.delete(order.shift()!);
    }
  }
  return kept;
}

describe(`${EventReplay.name} against a model`, () => {
  it('answers what the last kept events of each project hold, for any stream and bounds', () => {
    const types = ['log', 'file_chunk', 'file_end', 'usage'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom(...types)), {
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 200 }),
        (stream, perProject, projects, since) => {
          const replay = new EventReplay(perProject, projects);
          const seqs = new Map<string, number>();
          const all: ServerEvent[] = [];
          for (const [projectId, type] of stream) {
            const seq = (seqs.get(projectId) ?? 0) + 1;
            seqs.set(projectId, seq);
            const event = (
              type === 'log'
                ? log(seq, projectId)
                : type === 'usage'
                  ? {
                      type,
                      projectId,
                      seq,
                      role: 'r',
                      model: 'm',
                      promptTokens: 1,
                      completionTokens: 1,
                      costUsd: null,
                    }
                  : type === 'file_chunk'
                    ? { type, projectId, seq, path: 'a', chunk: 'x' }
                    : { type, projectId, seq, path: 'a', content: 'x', phase: 1 }
            ) as ServerEvent;
            all.push(event);
            replay.keep(event);
          }
          for (const projectId of ['a', 'b', 'c']) {
            expect(replay.between(projectId, since, Number.MAX_SAFE_INTEGER)).toEqual(
              model(all, perProject, projects)
                .get(projectId)
                ?.filter((e) => e.seq > since) ?? [],
            );
          }
        },
      ),
    );
  });
});
