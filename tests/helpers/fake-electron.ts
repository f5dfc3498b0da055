/**
 * A stand-in for Electron's download, for tests of `npm start` and packaging on machines that
 * cannot download Electron: a loopback mirror (ELECTRON_MIRROR) that answers 404 or serves a
 * small electron-vX-platform-arch.zip with a matching SHASUMS256.txt, and a private copy of the
 * electron package to install into (the real node_modules/electron is never touched). The
 * zip's `electron` is a shell script that records its working folder and arguments, and carries
 * Electron's fuse sentinel and wire so that electron-builder can flip its fuses.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ZipFile } from 'yazl';
import { ROOT } from './hub-process';

export const ELECTRON_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
/** The record file the fake executable writes: its cwd, then one argument a line. */
export const RECORD_ENV = 'STAGECALL_FAKE_ELECTRON_RECORD';
/** @electron/fuses' sentinel; the wire after it: version 1, 8 fuses, Electron's defaults. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const DEFAULT_FUSES = '10110001';

export const fakeElectronSupported = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');
export const zipName = `electron-v${ELECTRON_VERSION}-${process.platform}-${process.arch}.zip`;

function fakeExecutable(): Buffer {
  const script = [
    '#!/bin/sh',
    '# Stands in for Electron in tests: records how it was started, then exits 0.',
    `[ -n "$${RECORD_ENV}" ] && { pwd; for a in "$@"; do printf '%s\\n' "$a"; done; } > "$${RECORD_ENV}"`,
    'exit 0',
    '',
  ].join('\n');
  return Buffer.concat([Buffer.from(script), Buffer.from(`# ${FUSE_SENTINEL}`), Buffer.from([1, DEFAULT_FUSES.length]), Buffer.from(`${DEFAULT_FUSES}\n`)]);
}

/** The zip as Electron's release has it at the top level: the executable, version, LICENSE, resources/. */
export function fakeElectronZip(): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date('2026-01-01T00:00:00Z');
  zip.addBuffer(fakeExecutable(), 'electron', { mode: 0o100755, mtime });
  zip.addBuffer(Buffer.from(`v${ELECTRON_VERSION}`), 'version', { mtime });
  zip.addBuffer(Buffer.from('MIT (fake Electron for tests)\n'), 'LICENSE', { mtime });
  zip.addBuffer(Buffer.from('fake\n'), 'LICENSES.chromium.html', { mtime });
  zip.addBuffer(Buffer.from('placeholder\n'), 'resources/placeholder.txt', { mtime });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

export interface Mirror {
  /** ELECTRON_MIRROR: ends with a slash. */
  url: string;
  /** Paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A loopback mirror laid out like Electron's releases (`v<version>/<file>`); `null` files: 404 for all. */
export async function startMirror(files: Record<string, Buffer> | null): Promise<Mirror> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const name = (req.url ?? '').replace(`/v${ELECTRON_VERSION}/`, '');
    const body = files?.[name];
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The zip and a SHASUMS256.txt that vouches for it, as a mirror's files. */
export async function fakeRelease(): Promise<Record<string, Buffer>> {
  const zip = await fakeElectronZip();
  const sum = crypto.createHash('sha256').update(zip).digest('hex');
  return { [zipName]: zip, 'SHASUMS256.txt': Buffer.from(`${sum} *${zipName}\n`) };
}

/**
 * A copy of the electron package under `dir`/node_modules/electron, without any binary, whose
 * installer finds @electron/get through links to the project's node_modules.
 */
export function copyElectronPackage(dir: string): string {
  const nm = path.join(dir, 'node_modules');
  const target = path.join(nm, 'electron');
  fs.mkdirSync(target, { recursive: true });
  const src = path.join(ROOT, 'node_modules/electron');
  for (const name of fs.readdirSync(src)) {
    if (name === 'dist' || name === 'path.txt' || name === 'node_modules') continue;
    fs.cpSync(path.join(src, name), path.join(target, name), { recursive: true });
  }
  for (const scope of ['@electron', '@electron-internal']) fs.symlinkSync(path.join(ROOT, 'node_modules', scope), path.join(nm, scope), 'dir');
  return target;
}
