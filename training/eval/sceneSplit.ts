/**
 * Success split by scene kind: scenes where another object shares the colour of the instructed one (only the
 * shape word tells them apart, datagen/sameColour.ts) against the rest. A policy that grounds colour but not
 * shape scores well on the rest and badly on the first; the overall rate hides it (they are a fifth of scenes).
 * Usage on earlier runs: tsx training/eval/sceneSplit.ts EVAL.json [EVAL.json ...] (the episodes of all, together)
 */
import { readFileSync } from 'node:fs';
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
  /** The same split within each family that ran: where the shape word matters most (a stack names two objects). */
  by_family: Partial<Record<TaskFamily, { same_colour: SplitCount; other: SplitCount }>>;
}

type Scored = { seed: number; family: TaskFamily; success: boolean; failure: FailureKind | null };

function count(group: readonly Scored[]): SplitCount {
  const successes = group.filter((e) => e.success).length;
  return {
    episodes: group.length,
    successes,
    success_rate: group.length ? successes / group.length : 0,
    wrong_object: group.filter((e) => e.failure === 'wrong_object').length,
  };
}

export function splitBySameColour(episodes: readonly Scored[]): SceneSplit {
  const hard = episodes.map((e) => hasSameColourDistractor(generateEpisode(e.seed, e.family)));
  const within = (same: boolean, family?: TaskFamily) => episodes.filter((e, i) => hard[i] === same && (family === undefined || e.family === family));
  const by_family: SceneSplit['by_family'] = {};
  for (const f of new Set(episodes.map((e) => e.family))) by_family[f] = { same_colour: count(within(true, f)), other: count(within(false, f)) };
  return { same_colour: count(within(true)), other: count(within(false)), by_family };
}

export function formatSplit(s: SceneSplit): string {
  const line = (name: string, c: SplitCount) =>
    `${name} ${c.successes}/${c.episodes} (${(100 * c.success_rate).toFixed(1)} %), wrong object ${c.wrong_object}`;
  const total = `scenes with a same-colour distractor: ${line('', s.same_colour).trim()}; other scenes: ${line('', s.other).trim()}`;
  const families = Object.entries(s.by_family).map(([f, c]) => `${f} ${c.same_colour.successes}/${c.same_colour.episodes} against ${c.other.successes}/${c.other.episodes}`);
  return `${total}\nby family (same-colour scenes against the rest): ${families.join(', ')}`;
}

if (process.argv[1]?.endsWith('sceneSplit.ts')) {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: tsx training/eval/sceneSplit.ts EVAL.json [EVAL.json ...]');
  console.log(formatSplit(splitBySameColour(files.flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).episodes as Scored[]))));
}
