/** Replaces (or appends) one marked section of docs/benchmarks.md. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/hub-process';

/** `after`: when the section is new, place it right after that section (else at the end). */
export function writeBenchSection(name: string, body: string, opts: { after?: string } = {}): void {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  const open = `<!-- ${name} -->`;
  const close = `<!-- /${name} -->`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `${open}\n${body.trim()}\n${close}`;
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  const afterClose = opts.after ? `<!-- /${opts.after} -->` : null;
  const at = afterClose ? text.indexOf(afterClose) : -1;
  const next =
    a >= 0 && b > a
      ? text.slice(0, a) + section + text.slice(b + close.length)
      : at >= 0 && afterClose
        ? `${text.slice(0, at + afterClose.length)}\n\n${section}${text.slice(at + afterClose.length)}`
        : `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}
