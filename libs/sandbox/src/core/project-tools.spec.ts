import { isSandboxError } from './sandbox-error';
import { checkToolArgv, OutputTail, TOOL_LIMITS } from './project-tools';

describe(OutputTail.name, () => {
  it('keeps everything under the limit, in arrival order', () => {
    const tail = new OutputTail(16);
    tail.add(Buffer.from('out\n'));
    tail.add(Buffer.from('err\n'));
    expect(tail.text()).toBe('out\nerr\n');
  });

  it('keeps the last bytes, says how many were cut, and never starts inside a character', () => {
    const tail = new OutputTail(8);
    tail.add(Buffer.from('first line\n'));
    tail.add(Buffer.from('€€€')); // 3 bytes each: the last 8 bytes start inside the first one
    expect(tail.text()).toBe('[14 earlier bytes cut (outputMaxBytes 8)]\n€€');
  });
});

describe(checkToolArgv.name, () => {
  it('returns the plain tool name', () => {
    expect(checkToolArgv(['tsc', '-p', 'tsconfig.app.json'])).toBe('tsc');
    expect(checkToolArgv(['vite'])).toBe('vite');
  });

  it('refuses paths, options, too many or too long arguments', () => {
    const tooMany = ['tsc', ...Array.from({ length: TOOL_LIMITS.maxArgs + 1 }, () => 'x')];
    const tooLong = ['tsc', 'x'.repeat(TOOL_LIMITS.maxArgChars + 1)];
    for (const argv of [[], ['a/b'], ['..'], ['.'], ['--help'], ['tsc\0'], tooMany, tooLong]) {
      let error: unknown;
      try {
        checkToolArgv(argv);
      } catch (caught) {
        error = caught;
      }
      expect(isSandboxError(error, 'INVALID_TOOL')).toBe(true);
    }
  });
});
