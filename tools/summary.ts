/** Per-family success summaries in the JSON shape shared by `npm run expert` and `npm run eval`. */
import type { EpisodeResult } from '../src/sim/episode';

export interface FamilySummary {
  episodes: number;
  successes: number;
  success_rate: number;
  mean_steps: number;
  mean_sim_seconds: number;
  /** Mean sim seconds to success over the successful episodes only. */
  mean_time_to_success: number | null;
}

export interface Summary {
  families: Record<string, FamilySummary>;
  overall: { episodes: number; successes: number; success_rate: number };
}

export function summarise(results: EpisodeResult[]): Summary {
  const families: Record<string, FamilySummary> = {};
  const by = new Map<string, EpisodeResult[]>();
  for (const r of results) by.set(r.family, [...(by.get(r.family) ?? []), r]);
  for (const [family, rs] of by) {
    const ok = rs.filter((r) => r.success);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    families[family] = {
      episodes: rs.length,
      successes: ok.length,
      success_rate: ok.length / rs.length,
      mean_steps: mean(rs.map((r) => r.steps)),
      mean_sim_seconds: mean(rs.map((r) => r.simSeconds)),
      mean_time_to_success: ok.length ? mean(ok.map((r) => r.simSeconds)) : null,
    };
  }
  const successes = results.filter((r) => r.success).length;
  return { families, overall: { episodes: results.length, successes, success_rate: results.length ? successes / results.length : 0 } };
}

/** The per-family table; with `expert` (a summary on the same seeds) its success rate sits beside each row. */
export function formatTable(s: Summary, expert?: Summary): string {
  const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
  const rows = [['family', 'episodes', 'success', 'rate', 'mean steps', 'mean sim s', 's to success', ...(expert ? ['expert'] : [])]];
  for (const [f, v] of Object.entries(s.families)) {
    const e = expert?.families[f];
    rows.push([
      f,
      `${v.episodes}`,
      `${v.successes}`,
      pct(v.success_rate),
      v.mean_steps.toFixed(1),
      v.mean_sim_seconds.toFixed(2),
      v.mean_time_to_success === null ? '-' : v.mean_time_to_success.toFixed(2),
      ...(expert ? [e ? pct(e.success_rate) : '-'] : []),
    ]);
  }
  rows.push(['overall', `${s.overall.episodes}`, `${s.overall.successes}`, pct(s.overall.success_rate), '', '', '', ...(expert ? [pct(expert.overall.success_rate)] : [])]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}
