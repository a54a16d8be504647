import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import semver from 'semver';
import {
  fetchPackageVersions,
  fitPackage,
  installedVersions,
  type PackageVersions,
} from './dependency-fit';

/** The registry npm itself uses on this machine (the real one, reached at test time). */
const REGISTRY = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
const STARTER = JSON.stringify({
  dependencies: { react: '19.3.1', 'react-dom': '19.3.1' },
  devDependencies: { vite: '8.3.8', typescript: '5.9.3' },
});
const options = { url: REGISTRY, timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024 };

describe('fitPackage (against the npm registry)', () => {
  const installed = installedVersions(STARTER);
  const lookups = new Map<string, PackageVersions | undefined>();
  const versionsOf = async (name: string) => {
    if (!lookups.has(name)) {
      lookups.set(name, await fetchPackageVersions(name, options));
    }
    return lookups.get(name);
  };

  it('replaces a major whose peer range excludes the installed React with one that fits', async () => {
    const fitted = fitPackage('react-redux@8', installed, await versionsOf('react-redux'));
    expect(fitted).toMatchObject({ ok: true, requested: 'react-redux@8' });
    if (!fitted.ok) {
      throw new Error('unreachable');
    }
    const version = fitted.install.slice('react-redux@'.length);
    expect(semver.major(version)).toBeGreaterThanOrEqual(9);
    expect(fitted.note).toMatch(/react-redux@8 needs react .* \(installed 19\.3\.1\)/);
    // What was chosen really accepts React 19, as the registry says.
    const peers = (await versionsOf('react-redux'))!.versions[version]!.peers;
    expect(semver.satisfies('19.3.1', peers.react!)).toBe(true);
  });

  it('keeps what already fits, as an exact version', async () => {
    for (const spec of ['react-redux', 'react-hot-toast', 'zustand@5', '@reduxjs/toolkit@2']) {
      const name = spec.startsWith('@') ? `@${spec.slice(1).split('@')[0]}` : spec.split('@')[0]!;
      const fitted = fitPackage(spec, installed, await versionsOf(name));
      expect(fitted).toMatchObject({ ok: true, requested: spec });
      if (!fitted.ok) {
        throw new Error('unreachable');
      }
      expect(fitted.note).toBeUndefined();
      expect(semver.valid(fitted.install.slice(name.length + 1))).not.toBeNull();
    }
  });

  it('tells the model when nothing matches', async () => {
    expect(fitPackage('react-redux@99', installed, await versionsOf('react-redux'))).toEqual({
      ok: false,
      requested: 'react-redux@99',
      problem: 'no release of react-redux matches "99"',
    });
    expect(fitPackage('left-pad;curl', installed, undefined)).toMatchObject({ ok: false });
  });
});

describe('fetchPackageVersions', () => {
  it('gives up quietly on an unknown package, a dead registry or a body over the limit', async () => {
    expect(
      await fetchPackageVersions('forge-no-such-package-7c0d1b9e-e9b1', options),
    ).toBeUndefined();
    const big = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ versions: { '1.0.0': { padding: 'x'.repeat(4096) } } }));
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/`;
    try {
      expect(await fetchPackageVersions('a', { ...options, url, maxBytes: 1024 })).toBeUndefined();
      expect(await fetchPackageVersions('a', { ...options, url })).toEqual({
        distTags: {},
        versions: { '1.0.0': { peers: {} } },
      });
    } finally {
      big.close();
    }
    expect(
      await fetchPackageVersions('a', { ...options, url: 'http://127.0.0.1:9/' }),
    ).toBeUndefined();
  });
});
