import { tmpdir } from 'node:os';
import { lastLines } from '../../core/output-lines';
import { runCommand } from './run-command';
import { isRunning, waitFor } from '../../testing/test-helpers';

describe(runCommand.name, () => {
  it('runs a program with arguments as given, no shell involved, and returns its output', async () => {
    const result = await runCommand(
      process.execPath,
      ['-e', 'console.log(process.argv[1])', '$(echo hi); rm -rf /'],
      {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH },
      },
    );
    expect(result).toMatchObject({ exitCode: 0, aborted: false, timedOut: false });
    expect(result.output.trim()).toBe('$(echo hi); rm -rf /');
  });

  it('stops the whole process group on abort and on timeout', async () => {
    for (const mode of ['abort', 'timeout'] as const) {
      const controller = new AbortController();
      let grandchild: number | undefined;
      const running = runCommand('sh', ['-c', 'sleep 30 & echo $!; wait'], {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH },
        signal: controller.signal,
        timeoutMs: mode === 'timeout' ? 300 : 0,
        onOutput: (chunk) => (grandchild ??= Number(chunk.toString().trim())),
      });
      const pid = await waitFor('the background sleep', () => grandchild);
      if (mode === 'abort') {
        controller.abort();
      }
      const result = await running;
      expect(mode === 'abort' ? result.aborted : result.timedOut).toBe(true);
      await waitFor('the background sleep to end', () => (isRunning(pid) ? undefined : true), 5000);
    }
  });

  it('keeps the last non-empty lines of output', () => {
    expect(lastLines('a\n\nb\nc  \n\n', 2)).toBe('b\nc');
  });
});
