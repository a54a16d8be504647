import { SandboxLogBuffer } from './sandbox-log';

describe(SandboxLogBuffer.name, () => {
  it('numbers lines and returns those after a seq', () => {
    const log = new SandboxLogBuffer();
    log.append('system', 'one\ntwo');
    log.append('dev', 'three');
    expect(log.since().map((line) => [line.seq, line.stream, line.text])).toEqual([
      [1, 'system', 'one'],
      [2, 'system', 'two'],
      [3, 'dev', 'three'],
    ]);
    expect(log.since(2).map((line) => line.text)).toEqual(['three']);
    expect(log.since(3)).toEqual([]);
  });

  it('keeps the newest lines and their seq when the buffer is full', () => {
    const log = new SandboxLogBuffer(3);
    for (let index = 1; index <= 5; index++) {
      log.append('dev', `line ${index}`);
    }
    expect(log.since().map((line) => line.seq)).toEqual([3, 4, 5]);
    expect(log.since(4).map((line) => line.text)).toEqual(['line 5']);
  });

  it('joins chunks into whole lines, characters split between chunks included', () => {
    const log = new SandboxLogBuffer();
    const writer = log.lineWriter('install');
    const bytes = Buffer.from('héllo\r\nwor');
    writer.write(bytes.subarray(0, 2));
    writer.write(bytes.subarray(2));
    expect(log.since().map((line) => line.text)).toEqual(['héllo']);
    writer.write(Buffer.from('ld\ntail'));
    writer.flush();
    expect(log.since(1).map((line) => line.text)).toEqual(['world', 'tail']);
  });
});
