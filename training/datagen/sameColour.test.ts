import { describe, expect, it } from 'vitest';
import { generateEpisode, TASK_FAMILIES } from '../../src/sim/tasks';
import { hasSameColourDistractor } from './sameColour';

describe('hasSameColourDistractor', () => {
  it('holds exactly when another object shares the colour of the instructed object or the stack base', () => {
    let hard = 0;
    let total = 0;
    for (const family of TASK_FAMILIES) {
      for (let seed = 0; seed < 200; seed++) {
        const ep = generateEpisode(seed, family);
        const t = ep.task;
        const colourOf = (id: string) => ep.scene.objects.find((o) => o.id === id)?.color;
        const named = t.family === 'stack' ? [t.object, t.base] : [t.object];
        const expected = named.some((id) => ep.scene.objects.filter((o) => o.color === colourOf(id)).length > 1);
        expect(hasSameColourDistractor(ep)).toBe(expected);
        if (expected) hard++;
        total++;
      }
    }
    // Both kinds occur: the filter keeps a minority of scenes, not none and not all.
    expect(hard / total).toBeGreaterThan(0.1);
    expect(hard / total).toBeLessThan(0.5);
  });

  it('finds the seeds of the evaluation failures it was made for', () => {
    // "grab the purple cylinder and lift it" beside a purple cube (held-out seed 1000000, pick).
    expect(hasSameColourDistractor(generateEpisode(1_000_000, 'pick'))).toBe(true);
    // "stack the red cube on the green cylinder" among green, orange and purple cylinders: the base's colour is unique.
    const plain = generateEpisode(1_000_043, 'stack');
    expect(plain.instruction).toContain('green cylinder');
    expect(hasSameColourDistractor(plain)).toBe(false);
  });
});
