/**
 * A real, small filesystem for disk-full tests: a tmpfs of a few MiB mounted on a temp dir
 * (needs root or CAP_SYS_ADMIN; where mounting is not allowed, `smallDiskSkipReason` says why
 * and the tests skip, printing it). `fill()` writes a filler file until the kernel answers
 * ENOSPC; `free()` removes it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function probe(): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return `cannot mount a tmpfs for disk-full tests (${(e.stderr?.toString() || e.message).trim()}); run as root or with CAP_SYS_ADMIN`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const smallDiskSkipReason: string | null = process.platform === 'linux' ? probe() : 'disk-full tests mount a tmpfs, which needs Linux';

export interface SmallDisk {
  dir: string;
  /** Fills the filesystem to the last page; returns the bytes written. */
  fill(): number;
  free(): void;
  unmount(): void;
}

export function mountSmallDisk(sizeBytes: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const fd = fs.openSync(filler, 'a');
      let written = 0;
      try {
        for (const chunk of [64 * 1024, 4096, 512, 1]) {
          const buf = Buffer.alloc(chunk, 0x2e);
          for (;;) {
            try {
              written += fs.writeSync(fd, buf);
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
              break;
            }
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      return written;
    },
    free: () => fs.rmSync(filler, { force: true }),
    unmount: () => {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
