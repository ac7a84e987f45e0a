/**
 * Scenes where the colour word alone does not say which object is meant: another object shares the colour of
 * the instructed object (or, for a stack, of its base), so only the shape word tells them apart.
 *
 * Why: in the held-out evaluation of the shipped flow model these scenes (a fifth of all) succeed 32 % of the
 * time against 73 % for the rest, and 28 of its 71 failures are in them, most of them the wrong object. In four
 * of five training scenes the colour is enough, so a policy can learn to ignore the shape word; recording these
 * scenes on purpose shows it the cases where it cannot.
 */
import type { Episode } from '../../src/sim/tasks';

export function hasSameColourDistractor(ep: Episode): boolean {
  const { scene, task } = ep;
  const named = [task.object, ...(task.family === 'stack' ? [task.base] : [])];
  return named.some((id) => {
    const o = scene.objects.find((x) => x.id === id);
    return o !== undefined && scene.objects.some((x) => x.id !== id && x.color === o.color);
  });
}
