import { describe, expect, it } from 'vitest';
import { FRONT_CAMERA, WRIST_CAMERA } from '../../src/render/cameraSpec';
import { runEpisode } from '../../src/sim/episode';
import { ScriptedExpert } from '../../src/sim/expert';
import { generateEpisode, objectById } from '../../src/sim/tasks';
import { type CarryView, carries, carryView, checkPolicyFits, type HandoverEvent, handoverTick, LOWERING_NEAR, ReleaseTrigger } from './handover';

/** The first seed from `from` up whose trigger is of this kind. */
const seedOfKind = (kind: 'lowering' | 'release', from: number) => {
  let s = from;
  while (new ReleaseTrigger(s, 20).kind !== kind) s++;
  return s;
};

describe('datagen --handover', () => {
  it('draws the handover tick from the seed alone, over the whole window', () => {
    expect(handoverTick(42, 12, 20)).toBe(handoverTick(42, 12, 20));
    const ticks = Array.from({ length: 400 }, (_, s) => handoverTick(s, 12, 20));
    for (const t of ticks) {
      expect(Number.isInteger(t)).toBe(true);
      expect(t).toBeGreaterThanOrEqual(0);
      expect(t).toBeLessThan(240);
    }
    // Uniform: each quarter of the window holds about a quarter of the seeds.
    for (let q = 0; q < 4; q++) expect(ticks.filter((t) => Math.floor(t / 60) === q).length).toBeGreaterThan(70);
    expect(() => handoverTick(1, 0, 20)).toThrow(/longer than 0 s/);
  });

  it('refuses a policy that sees other cameras or acts at another rate than the run records, naming the mismatch', () => {
    const recorded = [
      { ...FRONT_CAMERA, width: 96, height: 96 },
      { ...WRIST_CAMERA, width: 64, height: 64 },
    ];
    const cams = (front: number, hz = 20) => ({
      control_hz: hz,
      cameras: [
        { name: 'front', input: 'image_front', width: front, height: front },
        { name: 'wrist', input: 'image_wrist', width: 64, height: 64 },
      ],
    });
    expect(() => checkPolicyFits(cams(96), recorded, 20)).not.toThrow();
    expect(() => checkPolicyFits(cams(64), recorded, 20)).toThrow(/"front" at 64×64, this run records it at 96×96/);
    expect(() => checkPolicyFits({ control_hz: 20, cameras: [{ name: 'top', input: 'image_top', width: 64, height: 64 }] }, recorded, 20)).toThrow(/camera "top"/);
    expect(() => checkPolicyFits(cams(96, 10), recorded, 20)).toThrow(/acts at 10 Hz, this run records at 20 Hz/);
  });

  it('--handover-at release: draws its kind, height and delay from the seed alone, half of each kind', () => {
    const all = Array.from({ length: 400 }, (_, s) => new ReleaseTrigger(s, 20));
    const lowering = all.filter((t) => t.kind === 'lowering').length;
    expect(lowering).toBeGreaterThan(160);
    expect(lowering).toBeLessThan(240);
    for (const t of all) {
      expect(t.height).toBeGreaterThanOrEqual(0);
      expect(t.height).toBeLessThan(0.04);
      expect(t.delayTicks).toBeGreaterThanOrEqual(0);
      expect(t.delayTicks).toBeLessThan(20);
    }
    const a = new ReleaseTrigger(7, 20);
    const b = new ReleaseTrigger(7, 20);
    expect([a.kind, a.height, a.delayTicks]).toEqual([b.kind, b.height, b.delayTicks]);
  });

  it('a lowering trigger fires when the held object comes down near where it must rest, or at a release before that', () => {
    const t = new ReleaseTrigger(seedOfKind('lowering', 0), 20);
    const view = (held: boolean, above: number, off: number): CarryView => ({ held, above, off });
    expect(t.update(0, view(false, -0.03, 0.2))).toBeNull();
    // Held low but far from the destination (still on its way), or near it but high: the policy goes on.
    expect(t.update(1, view(true, t.height - 0.001, 0.09))).toBeNull();
    expect(t.update(2, view(true, t.height + 0.001, 0.02))).toBeNull();
    expect(t.update(3, view(true, t.height - 0.001, 0.07))).toBe('lowering');
    const early = new ReleaseTrigger(seedOfKind('lowering', 0), 20);
    expect(early.update(0, view(true, 0.1, 0.02))).toBeNull();
    expect(early.update(1, view(false, 0.1, 0.02))).toBe('release');
  });

  it('a release trigger fires its delay after the policy first lets go, never before anything was held', () => {
    const seed = seedOfKind('release', 0);
    const t = new ReleaseTrigger(seed, 20);
    const view = (held: boolean): CarryView => ({ held, above: 0, off: 0 });
    for (let k = 0; k < 40; k++) expect(t.update(k, view(false))).toBeNull();
    for (let k = 40; k < 60; k++) expect(t.update(k, view(true))).toBeNull();
    for (let k = 60; k < 60 + t.delayTicks; k++) expect(t.update(k, view(false))).toBeNull();
    expect(t.update(60 + t.delayTicks, view(false))).toBe('release');
  });

  it("fires at the expert's own lowering and release in the real sim (carryView measures the held object against the base)", async () => {
    for (const kind of ['lowering', 'release'] as const) {
      const seed = seedOfKind(kind, 300);
      const ep = generateEpisode(seed, 'stack');
      const task = ep.task;
      if (!carries(task) || task.family !== 'stack') throw new Error('a stack episode carries its object onto a base');
      let fired: { event: HandoverEvent; phase: string; view: CarryView } | null = null;
      let first: CarryView | null = null;
      const r = await runEpisode(ep, (e, hz) => {
        const expert = new ScriptedExpert(e.task, e.scene, hz);
        const trigger = new ReleaseTrigger(seed, hz);
        let tick = 0;
        return {
          act: (world) => {
            const v = carryView(world, task, e.scene);
            first ??= v;
            const event = fired ? null : trigger.update(tick++, v);
            if (event) fired = { event, phase: expert.phaseName, view: v };
            return expert.act(world);
          },
        };
      });
      expect(r.success).toBe(true);
      // At the start both objects rest on the table: the object is a whole base height below its rest on the base.
      const v0 = first as unknown as CarryView;
      expect(v0.held).toBe(false);
      expect(v0.above).toBeCloseTo(-objectById(ep.scene, task.base).height, 2);
      const f = fired as unknown as { event: HandoverEvent; phase: string; view: CarryView };
      expect(f.event).toBe(kind);
      if (kind === 'lowering') {
        // A stack is carried only just above the base's top, so its arrival over the base already counts.
        expect(['carry', 'lower']).toContain(f.phase);
        expect(f.view.held).toBe(true);
        expect(f.view.off).toBeLessThan(LOWERING_NEAR);
        expect(f.view.above).toBeLessThanOrEqual(new ReleaseTrigger(seed, 20).height);
      } else {
        expect(f.view.held).toBe(false);
      }
    }
  });
});
