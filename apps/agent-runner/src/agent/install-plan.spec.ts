import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { planInstall } from './install-plan';

/** The registry npm itself uses on this machine (the real one, reached at test time). */
const REGISTRY = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
const options = { url: REGISTRY, timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024 };
const REACT_19 = JSON.stringify({
  dependencies: { react: '19.3.1', 'react-dom': '19.3.1' },
  devDependencies: { vite: '8.3.8' },
});

describe('planInstall (against the npm registry)', () => {
  it('installs exact versions that fit, says what it changed and leaves out what cannot be had', async () => {
    const plan = await planInstall(
      ['react-redux@8', 'zustand@5.0.8', 'zustand@5.0.8', 'left-pad@999'],
      REACT_19,
      options,
    );
    expect(plan.install).toHaveLength(2);
    expect(plan.install[0]).toMatch(/^react-redux@9\.\d+\.\d+$/);
    expect(plan.install[1]).toBe('zustand@5.0.8');
    expect(plan.notes).toHaveLength(2);
    expect(plan.notes[0]).toMatch(/^react-redux@8 needs react .*installed 19\.3\.1.*react-redux@9/);
    expect(plan.notes[1]).toBe(
      'left-pad@999 was not installed: no release of left-pad matches "999".',
    );
  });

  it('installs as requested when the registry does not answer', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 503;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const plan = await planInstall(['react-redux@8'], REACT_19, { ...options, url });
      expect(plan).toEqual({ install: ['react-redux@8'], notes: [] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
