import { spawn } from 'node:child_process';
import { parentWatchImport } from './process-groups';
import { isRunning, waitFor } from '../../testing/test-helpers';

describe(parentWatchImport.name, () => {
  it('makes a detached child end itself when its parent is SIGKILLed', async () => {
    // parent: starts a detached child with the watch, prints its pid, then waits forever.
    const parentCode = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, [process.argv[1], '-e', 'setInterval(() => {}, 1000)'], {
        detached: true,
        stdio: 'ignore',
      });
      console.log(child.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentCode, parentWatchImport()], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const childPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      parent.once('exit', () => reject(new Error('the parent ended early')));
    });
    expect(isRunning(childPid)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor(
      'the orphaned child to end itself',
      () => (isRunning(childPid) ? undefined : true),
      10_000,
    );
  });
});
