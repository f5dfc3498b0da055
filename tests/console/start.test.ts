/**
 * Issue 12 item 1: `npm start` installs a missing Electron through Electron's own installer
 * and launches it with the app's path; only when the install fails does it serve the console
 * in the browser, after one line that says why. Electron's download comes from a loopback
 * mirror into a private copy of the electron package (STAGECALL_ELECTRON_DIR).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyElectronPackage, fakeElectronSupported, fakeRelease, RECORD_ENV, startMirror, zipName, type Mirror } from '../helpers/fake-electron';
import { ROOT, tempDir } from '../helpers/hub-process';

const children = new Set<ChildProcess>();
const mirrors: Mirror[] = [];

interface Started {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function npmStart(electronDir: string, mirror: string, extraEnv: Record<string, string>): Started {
  const dir = path.dirname(path.dirname(electronDir));
  const child = spawn(process.execPath, [path.join(ROOT, 'src/main/launch.cjs'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      STAGECALL_ELECTRON_DIR: electronDir,
      ELECTRON_MIRROR: mirror,
      electron_config_cache: path.join(dir, 'cache'),
      electron_use_remote_checksums: '1',
      STAGECALL_DATA: path.join(dir, 'console-data'),
      STAGECALL_LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  return { child, out: () => out, exited };
}

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(mirrors.map((m) => m.close()));
});

describe.skipIf(!fakeElectronSupported)('npm start and Electron', () => {
  if (!fakeElectronSupported) console.log(`[start.test] skipped: the fake Electron is a shell script for Linux x64/arm64, not ${process.platform}-${process.arch}`);

  it('installs the binary from the mirror (checked against SHASUMS256.txt) and launches it with the app path', { timeout: 180_000 }, async () => {
    const mirror = await startMirror(await fakeRelease());
    mirrors.push(mirror);
    const dir = tempDir('start-install');
    const electronDir = copyElectronPackage(dir);
    const record = path.join(dir, 'launched.txt');
    const run = npmStart(electronDir, mirror.url, { [RECORD_ENV]: record });
    const code = await run.exited;
    expect(code, run.out()).toBe(0);
    expect(run.out()).toMatch(/installing Electron \d+\.\d+\.\d+ through its installer/);
    expect(run.out()).toMatch(/Electron installed in [\d.]+ s\./);
    expect(run.out()).not.toContain('browser instead');
    expect(mirror.requests).toEqual(expect.arrayContaining([expect.stringContaining('SHASUMS256.txt'), expect.stringContaining(zipName)]));
    expect(fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8')).toBe('electron');
    // The fake Electron ran, from the project, with the app's path and --local.
    const [cwd, ...args] = fs.readFileSync(record, 'utf8').trim().split('\n');
    expect(cwd).toBe(ROOT);
    expect(args).toEqual([ROOT, '--local']);
    // Installed once: the next start launches at once, without the mirror.
    fs.rmSync(record);
    const before = mirror.requests.length;
    const again = npmStart(electronDir, mirror.url, { [RECORD_ENV]: record });
    expect(await again.exited, again.out()).toBe(0);
    expect(again.out()).not.toContain('installing Electron');
    expect(mirror.requests.length).toBe(before);
    expect(fs.readFileSync(record, 'utf8')).toContain('--local');
    // Never the project's own electron package (other tests look at its path.txt).
    expect(electronDir.startsWith(path.join(ROOT, 'node_modules'))).toBe(false);
  });

  it('falls back to the browser console, saying why in one line, when the mirror answers 404', { timeout: 180_000 }, async () => {
    const mirror = await startMirror(null);
    mirrors.push(mirror);
    const dir = tempDir('start-404');
    const electronDir = copyElectronPackage(dir);
    const run = npmStart(electronDir, mirror.url, {});
    const deadline = Date.now() + 150_000;
    while (!/Console ready: http:\/\/127\.0\.0\.1:\d+\/\?session=\S+/.test(run.out())) {
      if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`no console:\n${run.out()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const why = run.out().split('\n').filter((l) => l.includes('browser instead'));
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^Electron could not be installed \(.*404.*\); serving the console in your browser instead\.$/);
    expect(run.out()).not.toMatch(/^\s+at /m); // no stack trace
    expect(fs.existsSync(path.join(electronDir, 'path.txt'))).toBe(false);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
