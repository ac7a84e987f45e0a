/**
 * Auxiliary training targets per recorded episode: where the instructed object starts and where it must go
 * (table x, y in metres), regenerated from the episode's seed. Training may use them to teach the image
 * encoder *where* things are (an auxiliary loss); the exported policy never sees them.
 * Usage: tsx training/auxTargets.ts DATA_DIR
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Episode, generateEpisode, SIDE_REGION, SIDE_SIGN, type TaskFamily } from '../src/sim/tasks';

export interface AuxTargets {
  target: [number, number];
  goal: [number, number];
}

export function auxTargets(ep: Episode): AuxTargets {
  const t = ep.task;
  const obj = ep.scene.objects.find((o) => o.id === t.object);
  if (!obj) throw new Error(`seed ${ep.seed}: no object ${t.object}`);
  const target: [number, number] = [obj.x, obj.y];
  switch (t.family) {
    case 'pick':
      return { target, goal: target };
    case 'place': {
      const b = ep.scene.bowls.find((x) => x.id === t.bowl);
      if (!b) throw new Error(`seed ${ep.seed}: no bowl ${t.bowl}`);
      return { target, goal: [b.x, b.y] };
    }
    case 'push':
      return { target, goal: [obj.x, SIDE_SIGN[t.side] * SIDE_REGION.goal] };
    case 'stack': {
      const base = ep.scene.objects.find((o) => o.id === t.base);
      if (!base) throw new Error(`seed ${ep.seed}: no object ${t.base}`);
      return { target, goal: [base.x, base.y] };
    }
  }
}

if (process.argv[1]?.endsWith('auxTargets.ts')) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx training/auxTargets.ts DATA_DIR');
  let n = 0;
  for (const name of readdirSync(dir).sort()) {
    const metaPath = join(dir, name, 'meta.json');
    if (!existsSync(metaPath)) continue;
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { seed: number; family: TaskFamily; task: unknown };
    const ep = generateEpisode(meta.seed, meta.family);
    if (JSON.stringify(ep.task) !== JSON.stringify(meta.task)) throw new Error(`${name}: the regenerated task differs from the recorded one`);
    writeFileSync(join(dir, name, 'aux.json'), `${JSON.stringify(auxTargets(ep))}\n`);
    n++;
  }
  console.log(`aux targets written for ${n} episodes`);
}
