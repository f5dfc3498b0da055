/** The shape every benchmark returns, and how it lands in docs/benchmarks.md. */
import os from 'node:os';

export interface BenchContext {
  quick: boolean;
  log: (line: string) => void;
}

export interface BenchTable {
  /** Section heading in docs/benchmarks.md. */
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** What was measured, how, and what limits it: one sentence a line. */
  notes: string[];
}

export interface BenchModule {
  /** One line for the index: what this benchmark answers. */
  describe: string;
  run(ctx: BenchContext): Promise<BenchTable[]>;
}

export const machineLine = (): string =>
  `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;

const cell = (v: string | number): string => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 10 ? 2 : 1)) : v);

export function toMarkdown(t: BenchTable): string {
  const head = `| ${t.columns.join(' | ')} |\n|${t.columns.map(() => '---').join('|')}|`;
  const body = t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
  const notes = t.notes.map((n) => `- ${n}`).join('\n');
  return `### ${t.title}\n\n${head}\n${body}\n\n${notes}\n`;
}
