import { describe, expect, it } from 'vitest';
import { ScriptedExpert } from './expert';
import { FailureTracker } from './failure';
import { generateEpisode, type Task } from './tasks';
import { SimWorld } from './world';

/** Drive `actorTask` with the expert for `seconds` while judging the episode's own task. */
async function judge(seed: number, family: 'pick' | 'push', seconds: number, actorTask?: (t: Task) => Task) {
  const ep = generateEpisode(seed, family);
  const world = await SimWorld.create(ep.scene);
  try {
    const tracker = new FailureTracker(ep.task, ep.scene);
    const expert = new ScriptedExpert(actorTask ? actorTask(ep.task) : ep.task, ep.scene, world.config.controlHz);
    while (world.time < seconds) {
      world.setAction(expert.act(world));
      world.stepControl();
      tracker.update(world);
    }
    return { kind: tracker.classify(), ep };
  } finally {
    world.dispose();
  }
}

describe('FailureTracker', () => {
  it('an arm that never touches anything: not_reached', async () => {
    expect((await judge(3, 'pick', 0.3)).kind).toBe('not_reached');
  });

  it('the expert picking another object than the one asked for: wrong_object', async () => {
    const ep = generateEpisode(3, 'pick');
    const other = ep.scene.objects.find((o) => o.id !== ep.task.object);
    if (!other) throw new Error('scene with one object');
    const { kind } = await judge(3, 'pick', 6, (t) => ({ ...t, object: other.id }));
    expect(kind).toBe('wrong_object');
  });

  it('a pick lifted and then judged as a push that did not reach its side: pushed_short; a lift: lifted_not_placed', async () => {
    // The expert's pick lifts the object: judged as a pick, it was lifted (the monitor decides success, not this).
    expect((await judge(4, 'pick', 6)).kind).toBe('lifted_not_placed');
    // Stopped mid-push (the expert needs about 4.4 s to finish one): moved, not yet at its side.
    expect((await judge(4, 'push', 3.6)).kind).toBe('pushed_short');
  });

  it('a push to the other side than the one asked for: pushed_wrong_way', async () => {
    const other = (t: Task): Task => (t.family === 'push' ? { ...t, side: t.side === 'left' ? 'right' : 'left' } : t);
    expect((await judge(4, 'push', 3.6, other)).kind).toBe('pushed_wrong_way');
  });
});
