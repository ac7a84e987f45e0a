import { describe, expect, it } from 'vitest';
import { instructionToTask, parseInstruction } from './instructions';
import type { SceneSpec } from './scene';

const scene: SceneSpec = {
  seed: 0,
  objects: [
    { id: 'a', shape: 'cube', color: 'red', size: 0.03, height: 0.03, x: 0.2, y: 0, yaw: 0, mass: 0.02 },
    { id: 'b', shape: 'cylinder', color: 'red', size: 0.03, height: 0.035, x: 0.2, y: 0.1, yaw: 0, mass: 0.02 },
    { id: 'c', shape: 'cube', color: 'green', size: 0.03, height: 0.03, x: 0.2, y: -0.1, yaw: 0, mass: 0.02 },
  ],
  bowls: [{ id: 'bowl0', color: 'blue', x: 0.15, y: 0.2, radius: 0.05, height: 0.03, wall: 0.005 }],
};

describe('parseInstruction', () => {
  it('understands the four families in several phrasings', () => {
    expect(parseInstruction('Pick up the red cube.')).toEqual({ ok: true, parsed: { family: 'pick', object: { color: 'red', shape: 'cube' } } });
    expect(parseInstruction('put the red cube in the blue bowl')).toEqual({
      ok: true,
      parsed: { family: 'place', object: { color: 'red', shape: 'cube' }, bowl: { color: 'blue' } },
    });
    expect(parseInstruction('shove the green block to the left side')).toEqual({
      ok: true,
      parsed: { family: 'push', object: { color: 'green', shape: 'cube' }, side: 'left' },
    });
    expect(parseInstruction('stack the red cylinder on top of the green cube')).toEqual({
      ok: true,
      parsed: { family: 'stack', object: { color: 'red', shape: 'cylinder' }, base: { color: 'green', shape: 'cube' } },
    });
    expect(parseInstruction('lift the green one')).toEqual({ ok: true, parsed: { family: 'pick', object: { color: 'green' } } });
  });

  it('names the words it does not understand', () => {
    const r = parseInstruction('please juggle the red cube and the zorp');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.unknownWords).toEqual(['juggle', 'zorp']);
    expect(r.error).toContain('"juggle"');
    expect(r.error).toContain('"zorp"');
  });

  it('explains what is missing', () => {
    const noVerb = parseInstruction('the red cube');
    expect(noVerb.ok).toBe(false);
    const noSide = parseInstruction('push the red cube');
    expect(noSide.ok === false && noSide.error).toContain('left or right');
    expect(parseInstruction('').ok).toBe(false);
    expect(parseInstruction('x'.repeat(400)).ok).toBe(false);
  });
});

describe('instructionToTask', () => {
  it('binds descriptions to scene objects', () => {
    expect(instructionToTask('put the green cube in the bowl', scene)).toEqual({ ok: true, task: { family: 'place', object: 'c', bowl: 'bowl0' } });
    expect(instructionToTask('grab the cylinder and lift it', scene)).toEqual({ ok: true, task: { family: 'pick', object: 'b' } });
  });
  it('names missing and ambiguous objects', () => {
    const missing = instructionToTask('pick up the yellow cube', scene);
    expect(missing).toEqual({ ok: false, error: 'There is no yellow cube in this scene.' });
    const ambiguous = instructionToTask('pick up the red one', scene);
    expect(ambiguous.ok).toBe(false);
    expect(!ambiguous.ok && ambiguous.error).toContain('red cube, red cylinder');
    const noBowl = instructionToTask('put the red cube in the green bowl', scene);
    expect(!noBowl.ok && noBowl.error).toContain('no green bowl');
  });
});
