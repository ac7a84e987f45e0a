import { readFileSync } from 'node:fs';
import { forwardKinematics } from '../src/sim/kinematics';
import { actionToRadians } from '../src/sim/units';
import { generateEpisode } from '../src/sim/tasks';
const r = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const seeds = process.argv.slice(3).map(Number);
for (const e of r.episodes ?? r) {
  if (seeds.length && !seeds.includes(e.seed)) continue;
  const ep = generateEpisode(e.seed, e.family);
  const task: any = ep.task;
  const base = task.base ?? task.bowl;
  console.log(`${e.seed} ${e.success} ${e.failure} ${JSON.stringify(task)}`);
  for (let i = 0; i < e.trace.length; i += 5) {
    const t = e.trace[i];
    const o = t.objects[task.object], b = t.objects[base] ?? [0, 0, 0];
    const tool = forwardKinematics(actionToRadians(t.state)).p;
    const ex = forwardKinematics(actionToRadians(t.expert)).p;
    const d = (a: number[], c: number[]) => (Math.hypot(a[0] - c[0], a[1] - c[1]) * 100).toFixed(1).padStart(5);
    console.log(`${(i / 20).toFixed(2).padStart(5)} jaw ${t.state[5].toFixed(0).padStart(3)}/${t.target[5].toFixed(0).padStart(3)} exp ${t.expert[5].toFixed(0).padStart(3)} tool z ${(tool[2] * 100).toFixed(1).padStart(5)} obj z ${(o[2] * 100).toFixed(1).padStart(5)} obj-tool ${d(o, tool)} tool-base ${d(tool, b)} obj-base ${d(o, b)} tool-exp ${d(tool, ex)} expz ${(ex[2]*100).toFixed(1)}`);
  }
}
