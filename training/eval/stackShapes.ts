/**
 * Stack success by the shapes of the held object and its base ("cube on cylinder"): a base's round top and a
 * cube's flat one take a release differently, and the overall stack rate hides which the policy loses.
 */
import { generateEpisode } from '../../src/sim/tasks';

export interface ShapeCount {
  episodes: number;
  successes: number;
}

/** Counts per "held on base" pair, in a fixed order so runs print alike. Families other than stack are left out. */
export function stackByShape(episodes: readonly { seed: number; family: string; success: boolean }[]): Record<string, ShapeCount> {
  const out: Record<string, ShapeCount> = {};
  for (const e of episodes) {
    if (e.family !== 'stack') continue;
    const ep = generateEpisode(e.seed, 'stack');
    if (ep.task.family !== 'stack') throw new Error(`seed ${e.seed}: not a stack task`);
    const { object, base } = ep.task;
    const shape = (id: string) => ep.scene.objects.find((o) => o.id === id)?.shape ?? '?';
    const key = `${shape(object)} on ${shape(base)}`;
    out[key] ??= { episodes: 0, successes: 0 };
    out[key].episodes += 1;
    if (e.success) out[key].successes += 1;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function formatStackShapes(counts: Record<string, ShapeCount>): string {
  const parts = Object.entries(counts).map(([k, c]) => `${k} ${c.successes}/${c.episodes}`);
  return parts.length ? `stack by shape (held on base): ${parts.join(', ')}` : '';
}
