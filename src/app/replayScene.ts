/**
 * Which scene an episode replays in: the one it says it was recorded in, when the sim can rebuild it. A dataset
 * from elsewhere, or a value the sim cannot rebuild, replays in the current scene, and the reason is said in
 * words. Data from a file is never trusted: a seed outside what Reset accepts or an unknown family is refused.
 */
import type { StoredScene } from '../dataset/lerobotRead';
import { TASK_FAMILIES, type TaskFamily } from '../sim/tasks';
import { MAX_SEED } from './seed';
import type { SceneKey } from './session';

export type ReplayScene = { ok: true; scene: SceneKey } | { ok: false; reason: string };

const isFamily = (f: string): f is TaskFamily => (TASK_FAMILIES as readonly string[]).includes(f);

/** Long or odd text from a file, cut and quoted for a message. */
const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

export function replayScene(stored: StoredScene | null): ReplayScene {
  if (stored === null) return { ok: false, reason: 'this dataset does not say which scene the episode was recorded in' };
  if ('error' in stored) return { ok: false, reason: `the episode's recorded scene cannot be read (${stored.error})` };
  const { seed, family } = stored;
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED) {
    return { ok: false, reason: `the episode's recorded scene seed ${seed} is not a whole number from 0 to ${MAX_SEED}` };
  }
  if (!isFamily(family)) return { ok: false, reason: `the episode's recorded task family ${quote(family)} is not one of ${TASK_FAMILIES.join(', ')}` };
  return { ok: true, scene: { seed, family } };
}
