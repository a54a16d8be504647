import { FrameBatcher, type FrameScheduler, nextFrame } from './frame-batcher';

/** A scheduler the test runs by hand, one "frame" at a time. */
function manualFrames() {
  const tasks: (() => void)[] = [];
  const schedule: FrameScheduler = (task) => {
    tasks.push(task);
    return () => tasks.splice(tasks.indexOf(task), 1);
  };
  return { schedule, tasks, runFrame: () => tasks.splice(0).forEach((task) => task()) };
}

describe(FrameBatcher.name, () => {
  it('hands over everything pushed within a frame in one call, in order', () => {
    const frames = manualFrames();
    const flushed: number[][] = [];
    const batcher = new FrameBatcher<number>((items) => flushed.push(items), frames.schedule);
    for (let i = 0; i < 1000; i++) {
      batcher.push(i);
    }
    expect(flushed).toEqual([]);
    expect(frames.tasks).toHaveLength(1);

    frames.runFrame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toEqual(Array.from({ length: 1000 }, (_, i) => i));

    batcher.push(1000);
    frames.runFrame();
    expect(flushed).toEqual([expect.any(Array), [1000]]);
  });

  it('flushes at once on request, and not again at the frame', () => {
    const frames = manualFrames();
    const flushed: string[][] = [];
    const batcher = new FrameBatcher<string>((items) => flushed.push(items), frames.schedule);
    batcher.push('a');
    batcher.flushNow();
    expect(frames.tasks).toHaveLength(0);
    frames.runFrame();
    expect(flushed).toEqual([['a']]);
  });

  it('drops what is queued when disposed', () => {
    const frames = manualFrames();
    const flushed: string[][] = [];
    const batcher = new FrameBatcher<string>((items) => flushed.push(items), frames.schedule);
    batcher.push('a');
    batcher.dispose();
    frames.runFrame();
    batcher.flushNow();
    expect(flushed).toEqual([]);
  });

  it('runs on the next animation frame by default', async () => {
    const flushed: string[][] = [];
    const batcher = new FrameBatcher<string>((items) => flushed.push(items));
    batcher.push('a');
    batcher.push('b');
    await new Promise<void>((resolve) => nextFrame(resolve));
    expect(flushed).toEqual([['a', 'b']]);
  });
});
