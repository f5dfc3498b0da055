/**
 * The initial load of the audience page, measured from the build output: index.html plus every
 * script, module preload and stylesheet it references, plus the JS chunks those import
 * statically, each gzipped (what a phone downloads before the first paint).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from '../../helpers/hub-process';

export interface LoadSize {
  files: Array<{ file: string; bytes: number; gzip: number }>;
  totalGzip: number;
}

export function initialLoadSize(page = 'index.html'): LoadSize {
  const out = path.join(ROOT, 'out/audience');
  const seen = new Set<string>();
  const queue = [page];
  const html = fs.readFileSync(path.join(out, page), 'utf8');
  for (const m of html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)) if (m[1]) queue.push(m[1]);
  const files: LoadSize['files'] = [];
  while (queue.length) {
    const rel = queue.shift() as string;
    if (seen.has(rel)) continue;
    seen.add(rel);
    const buf = fs.readFileSync(path.join(out, rel));
    files.push({ file: rel, bytes: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length });
    if (rel.endsWith('.js')) {
      // Static imports only (`import … from"./x.js"` / `import"./x.js"`); dynamic import() loads later.
      for (const m of buf.toString('utf8').matchAll(/(?:^|[;}\s])import\s*(?:[^"'`()]*?from\s*)?["']\.\/([^"']+\.js)["']/g))
        if (m[1]) queue.push(path.posix.join(path.posix.dirname(rel), m[1]));
    }
  }
  return { files, totalGzip: files.reduce((s, f) => s + f.gzip, 0) };
}
