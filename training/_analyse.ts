import { readFileSync } from 'node:fs';
import { forwardKinematics } from '../src/sim/kinematics';
import { actionToRadians } from '../src/sim/units';
import { generateEpisode } from '../src/sim/tasks';
const file = process.argv[2];
const r = JSON.parse(readFileSync(file, 'utf8'));
const eps = r.episodes ?? r;
for (const e of eps) {
  const ep = generateEpisode(e.seed, e.family);
  const task: any = ep.task;
  const base = task.base ?? task.bowl;
  const tr = e.trace;
  let lines: string[] = [];
  let prevGrip = tr[0].target[5];
  for (let i = 0; i < tr.length; i++) {
    const t = tr[i];
    const g = t.target[5];
    if (prevGrip < 20 && g >= 20) {
      const o = t.objects[task.object], b = t.objects[base] ?? [NaN, NaN, NaN];
      const tool = forwardKinematics(actionToRadians(t.state)).p;
      const d = (a: number[], c: number[]) => (Math.hypot(a[0] - c[0], a[1] - c[1]) * 100).toFixed(1);
      lines.push(`  open@${(i / 20).toFixed(1)}s jaw ${t.state[5].toFixed(0)} obj-base ${d(o, b)}cm tool-base ${d(tool, b)}cm obj-tool ${d(o, tool)}cm objz-basez ${((o[2] - b[2]) * 100).toFixed(1)}cm`);
    }
    prevGrip = g;
  }
  const last = tr[tr.length - 1];
  const o = last.objects[task.object], b = last.objects[base] ?? [NaN, NaN, NaN];
  console.log(`${e.seed} ${e.family} ${e.success ? 'OK ' : 'FAIL'} ${e.failure ?? ''} "${e.instruction}" end obj-base ${(Math.hypot(o[0] - b[0], o[1] - b[1]) * 100).toFixed(1)}cm`);
  console.log(lines.join('\n'));
}
