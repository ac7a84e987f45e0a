/**
 * Success split by scene kind: scenes where another object shares the colour of the instructed one (only the
 * shape word tells them apart, datagen/sameColour.ts) against the rest. A policy that grounds colour but not
 * shape scores well on the rest and badly on the first; the overall rate hides it (they are a fifth of scenes).
 */
import type { FailureKind } from '../../src/sim/failure';
import { generateEpisode, type TaskFamily } from '../../src/sim/tasks';
import { hasSameColourDistractor } from '../datagen/sameColour';

export interface SplitCount {
  episodes: number;
  successes: number;
  success_rate: number;
  wrong_object: number;
}

export interface SceneSplit {
  same_colour: SplitCount;
  other: SplitCount;
}

export function splitBySameColour(episodes: readonly { seed: number; family: TaskFamily; success: boolean; failure: FailureKind | null }[]): SceneSplit {
  const count = (hard: boolean): SplitCount => {
    const group = episodes.filter((e) => hasSameColourDistractor(generateEpisode(e.seed, e.family)) === hard);
    const successes = group.filter((e) => e.success).length;
    return {
      episodes: group.length,
      successes,
      success_rate: group.length ? successes / group.length : 0,
      wrong_object: group.filter((e) => e.failure === 'wrong_object').length,
    };
  };
  return { same_colour: count(true), other: count(false) };
}

export function formatSplit(s: SceneSplit): string {
  const line = (name: string, c: SplitCount) =>
    `${name} ${c.successes}/${c.episodes} (${(100 * c.success_rate).toFixed(1)} %), wrong object ${c.wrong_object}`;
  return `scenes with a same-colour distractor: ${line('', s.same_colour).trim()}; other scenes: ${line('', s.other).trim()}`;
}
