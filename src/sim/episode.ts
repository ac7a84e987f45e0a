/** Run one episode headless: a scene, a task, an actor (expert or policy) and the success monitor. */
import { ScriptedExpert } from './expert';
import { generateEpisode, type Episode, TIME_LIMIT, type TaskFamily, TaskMonitor } from './tasks';
import { type SimConfig, SimWorld } from './world';

export interface EpisodeResult {
  seed: number;
  family: TaskFamily;
  instruction: string;
  success: boolean;
  /** Control steps taken until success or the time limit. */
  steps: number;
  /** Sim seconds until success or the time limit. */
  simSeconds: number;
}

export interface Actor {
  act(world: SimWorld): number[];
}

export async function runEpisode(
  episode: Episode,
  makeActor: (ep: Episode, controlHz: number) => Actor = (ep, hz) => new ScriptedExpert(ep.task, ep.scene, hz),
  config: Partial<SimConfig> = {},
): Promise<EpisodeResult> {
  const world = await SimWorld.create(episode.scene, config);
  try {
    const hz = world.config.controlHz;
    const actor = makeActor(episode, hz);
    const monitor = new TaskMonitor(episode.task, episode.scene);
    const limit = TIME_LIMIT[episode.task.family];
    let steps = 0;
    while (world.time < limit && monitor.status !== 'success') {
      world.setAction(actor.act(world));
      world.stepControl();
      steps++;
      monitor.update(world, 1 / hz);
    }
    return {
      seed: episode.seed,
      family: episode.task.family,
      instruction: episode.instruction,
      success: monitor.status === 'success',
      steps,
      simSeconds: world.time,
    };
  } finally {
    world.dispose();
  }
}

export function episodeFor(seed: number, family?: TaskFamily): Episode {
  return generateEpisode(seed, family);
}
