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
    for (let seq = 1; seq <= 6; seq++) replay.keep(seq % 2 ? log(seq) : chunk(seq));
    expect(replay.between(PROJECT, 1, 5).map((event) => event.seq)).toEqual([3, 5]);
    expect(replay.between(PROJECT, 5, 6)).toEqual([]);
  });

  it('keeps the latest events of a project within its bound', () => {
    const replay = new EventReplay(3, 10);
    for (let seq = 1; seq <= 10; seq++) replay.keep(log(seq));
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
