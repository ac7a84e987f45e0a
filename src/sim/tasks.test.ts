import { describe, expect, it } from 'vitest';
import { runEpisode } from './episode';
import { parseInstruction, resolveInstruction } from './instructions';
import { candidateTasks, describeTask, generateEpisode, TASK_FAMILIES, TaskMonitor, TEMPLATES } from './tasks';
import { SimWorld } from './world';

describe('task episodes', () => {
  it('are deterministic per seed and family', () => {
    expect(generateEpisode(5, 'push')).toEqual(generateEpisode(5, 'push'));
    for (const f of TASK_FAMILIES) expect(generateEpisode(11, f).task.family).toBe(f);
  });

  it('every phrasing of every task parses back to that task', () => {
    for (let seed = 0; seed < 25; seed++) {
      for (const family of TASK_FAMILIES) {
        const ep = generateEpisode(seed, family);
        for (const task of candidateTasks(ep.scene, family)) {
          for (let k = 0; k < TEMPLATES[family].length; k++) {
            const text = describeTask(task, ep.scene, k);
            const parsed = parseInstruction(text);
            expect(parsed.ok, text).toBe(true);
            if (!parsed.ok) continue;
            expect(resolveInstruction(parsed.parsed, ep.scene)).toEqual({ ok: true, task });
          }
        }
      }
    }
  });
});

describe('success predicates', () => {
  it('do not fire on an untouched scene', async () => {
    for (const family of TASK_FAMILIES) {
      const ep = generateEpisode(3, family);
      const w = await SimWorld.create(ep.scene);
      const m = new TaskMonitor(ep.task, ep.scene);
      for (let i = 0; i < 40; i++) {
        w.stepControl();
        m.update(w, 1 / w.config.controlHz);
      }
      expect(m.status).toBe('running');
      w.dispose();
    }
  });
});

describe('scripted expert', () => {
  for (const family of TASK_FAMILIES) {
    it(`solves ${family} tasks on several seeds`, async () => {
      let ok = 0;
      for (let seed = 100; seed < 104; seed++) {
        const r = await runEpisode(generateEpisode(seed, family));
        if (r.success) ok++;
        expect(r.steps).toBeGreaterThan(10);
      }
      expect(ok).toBeGreaterThanOrEqual(4);
    });
  }
});
