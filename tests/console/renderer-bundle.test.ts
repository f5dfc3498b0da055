/**
 * Issue 12 item 2: the built renderer (out/renderer) is minified, split into one chunk per
 * screen (the console loads the frame and the screen it shows), and carries no zod: the
 * renderer validates nothing itself (the core does), so zod would only be weight.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/hub-process';

const ASSETS = path.join(ROOT, 'out/renderer/assets');
const SCREENS = ['run-screen', 'qa-screen', 'live-screen', 'connection-screen', 'setup-screen', 'settings-screen', 'chat-screen', 'overlays-screen'];
let files: { name: string; text: string }[] = [];

beforeAll(() => {
  // `npm test` builds first; a lone run builds the console if it is missing.
  if (!fs.existsSync(path.join(ROOT, 'out/renderer/index.html'))) expect(spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  files = fs
    .readdirSync(ASSETS)
    .filter((f) => f.endsWith('.js'))
    .map((name) => ({ name, text: fs.readFileSync(path.join(ASSETS, name), 'utf8') }));
});

describe('the built renderer', () => {
  it('is minified, one chunk per screen, and holds no zod', () => {
    const total = files.reduce((s, f) => s + Buffer.byteLength(f.text), 0);
    const entry = /src="\.\/assets\/([^"]+\.js)"/.exec(fs.readFileSync(path.join(ROOT, 'out/renderer/index.html'), 'utf8'))?.[1];
    const entrySize = Buffer.byteLength(files.find((f) => f.name === entry)?.text ?? '');
    console.log(`renderer: ${files.length} chunks, ${total} bytes of JavaScript; entry ${entry} ${entrySize} bytes\n` + files.map((f) => `  ${f.name}: ${Buffer.byteLength(f.text)}`).join('\n'));
    for (const screen of SCREENS) expect(files.some((f) => f.name.startsWith(`${screen}-`)), screen).toBe(true);
    for (const f of files) {
      const lines = f.text.split('\n').length;
      // Minified output: a few very long lines, not one statement a line.
      expect(lines < 20 || f.text.length / lines > 400, `${f.name}: ${lines} lines`).toBe(true);
      expect(f.text, f.name).not.toMatch(/ZodError|\$ZodType|zod\.dev/);
    }
    // The frame stays small: each screen loads its own chunk.
    expect(entrySize).toBeLessThan(400 * 1024);
  });
});
