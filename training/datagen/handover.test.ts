import { describe, expect, it } from 'vitest';
import { FRONT_CAMERA, WRIST_CAMERA } from '../../src/render/cameraSpec';
import { checkPolicyFits, handoverTick } from './handover';

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
});
