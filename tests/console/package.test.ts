/**
 * Issue 12 item 2: `electron-builder --dir` packages the console, here through a loopback
 * mirror serving a fake Electron (tests/helpers/fake-electron.ts). The unpacked app's asar holds
 * main, preload, the renderer and the audience app (with its precompressed twins) and no other
 * build output (not out/node's bundled programs, not out/client's library), and under
 * node_modules only what main needs: nothing of the renderer's packages. The fuses of
 * electron-builder.yml are set on the packaged executable.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../src/main/launch.cjs';
import { fakeElectronSupported, fakeRelease, startMirror, zipName, type Mirror } from '../helpers/fake-electron';
import { ROOT, tempDir } from '../helpers/hub-process';

/** Bundled into the renderer or the audience app, or development only: never in the package. */
const NOT_SHIPPED = ['react', 'react-dom', 'recharts', 'zustand', 'qrcode', '@tanstack/react-virtual', 'pino-pretty', 'preact', 'electron', 'electron-builder', 'vite', 'typescript'];
const PRODUCT = 'stagecall';
/** How a fuse wire spells its states (@electron/fuses' FuseState, not exported). */
const ENABLE = '1';
const DISABLE = '0';

let mirror: Mirror | undefined;
afterAll(async () => {
  await mirror?.close();
});

describe.skipIf(!fakeElectronSupported)('electron-builder --dir', () => {
  if (!fakeElectronSupported) console.log(`[package.test] skipped: the fake Electron is for Linux x64/arm64, not ${process.platform}-${process.arch}`);

  it('packages main, preload, renderer and the audience app, no other build output, no renderer packages, with the fuses set', { timeout: 600_000 }, async () => {
    expect(ensureBuilt(ROOT)).toBe(true);
    mirror = await startMirror(await fakeRelease());
    const dir = tempDir('package');
    const out = path.join(dir, 'dist');
    const started = Date.now();
    // Caches in the temp folder: the fake zip must never land in the user's Electron cache.
    const child = spawn('npx', ['electron-builder', '--dir', '--linux', `--${process.arch}`, `-c.directories.output=${out}`, '--publish', 'never'], {
      cwd: ROOT,
      env: {
        ...process.env,
        ELECTRON_MIRROR: mirror.url,
        XDG_CACHE_HOME: path.join(dir, 'cache'),
        electron_config_cache: path.join(dir, 'cache', 'electron'),
        ELECTRON_BUILDER_CACHE: path.join(dir, 'builder-cache'),
        STAGECALL_UPDATE_URL: 'https://updates.invalid/stagecall',
        CSC_IDENTITY_AUTO_DISCOVERY: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    console.log(`electron-builder --dir: exit ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(code, log).toBe(0);
    expect(mirror.requests).toEqual(expect.arrayContaining([expect.stringContaining(zipName), expect.stringContaining('SHASUMS256.txt')]));

    const app = path.join(out, `linux${process.arch === 'arm64' ? '-arm64' : ''}-unpacked`);
    const files = new Set(listPackage(path.join(app, 'resources', 'app.asar'), { isPack: false }).map((f) => f.split(path.sep).join('/')));
    for (const f of ['/package.json', '/out/main/index.js', '/out/main/worker.js', '/out/preload/index.js', '/out/renderer/index.html', '/out/audience/index.html', '/out/audience/index.html.br', '/out/audience/overlay.html'])
      expect(files.has(f), f).toBe(true);
    const outDirs = new Set([...files].filter((f) => /^\/out\/[^/]+\//.test(f)).map((f) => f.split('/')[2]));
    expect([...outDirs].sort(), 'build outputs in the asar').toEqual(['audience', 'main', 'preload', 'renderer']);
    expect([...files].some((f) => /^\/out\/renderer\/assets\/live-screen-[^/]+\.js$/.test(f))).toBe(true);
    expect([...files].some((f) => /^\/out\/audience\/assets\/[^/]+\.js\.gz$/.test(f))).toBe(true);
    const modules = new Set([...files].filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/').slice(2, f.split('/')[2]?.startsWith('@') ? 4 : 3).join('/')));
    for (const dep of ['ws', 'zod', 'pino', 'jose', 'sirv', 'electron-log', 'electron-updater']) expect(modules.has(dep), dep).toBe(true);
    for (const dep of NOT_SHIPPED) expect(modules.has(dep), `${dep} must not be packaged`).toBe(false);
    expect([...files].some((f) => f.endsWith('.map'))).toBe(false);

    const wire = await getCurrentFuseWire(path.join(app, PRODUCT));
    const state = (o: FuseV1Options): string => String.fromCharCode(Number((wire as Record<number, unknown>)[o]));
    expect(state(FuseV1Options.RunAsNode)).toBe(DISABLE);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(DISABLE);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(DISABLE);
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(ENABLE);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(ENABLE);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(ENABLE);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
