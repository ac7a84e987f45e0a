/**
 * Two models on the same held-out seeds, episode by episode. Under `--sync` a seed's episode is the same on
 * every run of one model, so the only fair question is on how many seeds one solves what the other does not.
 * Two runs of one training recipe already differ by about 13 of 400 (README, round 29), so an overall rate
 * that moved by a few episodes says nothing; the exact sign test on the disagreements (McNemar) says how
 * often a tie would split at least that unevenly.
 * Usage: tsx training/eval/compareRuns.ts A.json [A.json ...] -- B.json [B.json ...]
 */
import { readFileSync } from 'node:fs';
import type { TaskFamily } from '../../src/sim/tasks';

type Scored = { seed: number; family: TaskFamily; success: boolean };

export interface PairCount {
  /** Episodes (seed and family) that both runs played. */
  paired: number;
  a: number;
  b: number;
  only_a: number;
  only_b: number;
  /** Two-sided exact sign test on only_a against only_b: the chance of a split at least this uneven if neither model is better. */
  p: number;
}

export interface Comparison {
  families: Partial<Record<TaskFamily, PairCount>>;
  overall: PairCount;
  /** Episodes that only one side played (left out of every count). */
  unpaired: number;
}

/** P(X ≤ k or X ≥ n − k) for X ~ Binomial(n, 1/2), k = the smaller count; 1 when there is nothing to test. */
export function signTestP(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  const k = Math.min(onlyA, onlyB);
  if (n === 0 || 2 * k === n) return 1;
  // Sum C(n, i) / 2^n in logs: n reaches several hundred.
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

function pairCount(pairs: readonly [boolean, boolean][]): PairCount {
  const onlyA = pairs.filter(([a, b]) => a && !b).length;
  const onlyB = pairs.filter(([a, b]) => !a && b).length;
  return {
    paired: pairs.length,
    a: pairs.filter(([a]) => a).length,
    b: pairs.filter(([, b]) => b).length,
    only_a: onlyA,
    only_b: onlyB,
    p: signTestP(onlyA, onlyB),
  };
}

export function compareRuns(a: readonly Scored[], b: readonly Scored[]): Comparison {
  // Keyed by family and seed, so a file passed twice on one side counts once.
  const byKey = (runs: readonly Scored[]) => new Map(runs.map((e) => [`${e.family}:${e.seed}`, e]));
  const inA = byKey(a);
  const inB = byKey(b);
  const paired: { family: TaskFamily; a: boolean; b: boolean }[] = [];
  for (const [k, e] of inA) {
    const other = inB.get(k);
    if (other) paired.push({ family: e.family, a: e.success, b: other.success });
  }
  const families: Comparison['families'] = {};
  for (const f of new Set(paired.map((p) => p.family))) {
    families[f] = pairCount(paired.filter((p) => p.family === f).map((p) => [p.a, p.b]));
  }
  return { families, overall: pairCount(paired.map((p) => [p.a, p.b])), unpaired: inA.size + inB.size - 2 * paired.length };
}

export function formatComparison(c: Comparison): string {
  const row = (name: string, n: PairCount) =>
    `${name.padEnd(8)} ${String(n.paired).padStart(6)} ${String(n.a).padStart(5)} ${String(n.b).padStart(5)} ${String(n.only_a).padStart(7)} ${String(n.only_b).padStart(7)} ${n.p.toFixed(3).padStart(6)}`;
  const lines = [`${'family'.padEnd(8)} ${'paired'.padStart(6)} ${'A'.padStart(5)} ${'B'.padStart(5)} ${'only A'.padStart(7)} ${'only B'.padStart(7)} ${'p'.padStart(6)}`];
  for (const [f, n] of Object.entries(c.families)) lines.push(row(f, n));
  lines.push(row('overall', c.overall));
  if (c.unpaired > 0) lines.push(`${c.unpaired} episodes ran in only one of the two and are left out`);
  return lines.join('\n');
}

function episodesOf(files: readonly string[]): Scored[] {
  return files.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).episodes as Scored[]);
}

if (process.argv[1]?.endsWith('compareRuns.ts')) {
  const args = process.argv.slice(2);
  const cut = args.indexOf('--');
  if (cut <= 0 || cut === args.length - 1) throw new Error('usage: tsx training/eval/compareRuns.ts A.json [A.json ...] -- B.json [B.json ...]');
  console.log(formatComparison(compareRuns(episodesOf(args.slice(0, cut)), episodesOf(args.slice(cut + 1)))));
}
