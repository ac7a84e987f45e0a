/** Timing helpers and the table/JSON output shared by every benchmark. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i];
}

export interface BenchRow {
  name: string;
  /** Median of the measured quantity, in `unit`. */
  value: number;
  unit: string;
  p95?: number;
  /** What the ratio compares against (measured in the same run). */
  baseline?: string;
  baselineValue?: number;
  ratio?: number;
  note?: string;
}

export function formatRows(rows: BenchRow[]): string {
  const head = ['benchmark', 'median', 'p95', 'baseline', 'ratio', 'note'];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.p95 === undefined ? '' : `${fmt(r.p95)} ${r.unit}`,
    r.baseline ? `${r.baseline}: ${fmt(r.baselineValue ?? Number.NaN)} ${r.unit}` : '',
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.note ?? '',
  ]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd()).join('\n');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4);
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Write a benchmark's rows (and context) to bench/results/<name>.json. */
export function writeResults(name: string, rows: BenchRow[], context: Record<string, unknown> = {}): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, date: new Date().toISOString(), ...context, rows }, null, 2)}\n`);
  return file;
}
