/** Failure counts per family and kind, for `npm run eval`'s table and JSON. */
import { FAILURE_KINDS, type FailureKind } from '../../src/sim/failure';

export type FailureCounts = Record<string, Record<FailureKind, number>>;

export function countFailures(episodes: readonly { family: string; failure: FailureKind | null }[]): FailureCounts {
  const out: FailureCounts = {};
  for (const e of episodes) {
    out[e.family] ??= Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as Record<FailureKind, number>;
    if (e.failure) out[e.family][e.failure]++;
  }
  return out;
}

export function formatFailures(counts: FailureCounts): string {
  const rows = [['failures', ...FAILURE_KINDS]];
  for (const [family, c] of Object.entries(counts)) rows.push([family, ...FAILURE_KINDS.map((k) => `${c[k]}`)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}
