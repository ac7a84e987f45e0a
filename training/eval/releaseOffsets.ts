/**
 * Where a traced stack episode let go of the held object: its bottom's height above the base's top and its
 * centre's horizontal distance from the base's centre, at every tick the jaws were commanded open while the
 * object was off the table. Why: the eval's failure count says a stack was "lifted but not placed"; this says
 * whether the release was too high, too low or beside the base (round 24, 50 stack seeds: beside it, 7–15 mm
 * off centre in 12 of the 13 failed releases, against a median of 5.9 mm in the successes).
 * Usage: tsx training/eval/releaseOffsets.ts TRACE.json (from npm run eval -- --task stack --trace TRACE.json)
 */
import { readFileSync } from 'node:fs';
import { EXPERT } from '../../src/sim/expert';
import { generateEpisode, objectById } from '../../src/sim/tasks';

/** The part of an eval trace this reads: per tick, the joint targets and every object's centre (m, world). */
export interface TracedEpisode {
  seed: number;
  family: string;
  success: boolean;
  trace: { target: number[]; objects: Record<string, number[]> }[];
}

export interface Release {
  /** Tick at which the jaws' target crossed a third of the way open. */
  tick: number;
  /** Held object's bottom above the base's top (m); negative: below it (it was already falling or resting beside). */
  gap: number;
  /** Held object's centre from the base's centre, horizontally (m). */
  offset: number;
}

/** A gripper target past this (LeRobot 0..100; closed is 0) is a hand opening: the held object drops soon after. */
const OPENING = EXPERT.open / 3;
/** An object's centre this far (m) above its resting height is off the table. */
const LIFTED = 0.01;

/** Every release of a stack episode, in order. */
export function stackReleases(e: TracedEpisode): Release[] {
  const ep = generateEpisode(e.seed, 'stack');
  if (ep.task.family !== 'stack') throw new Error(`seed ${e.seed}: not a stack task`);
  const held = objectById(ep.scene, ep.task.object);
  const base = objectById(ep.scene, ep.task.base);
  const out: Release[] = [];
  for (let i = 1; i < e.trace.length; i++) {
    const grip = e.trace[i].target[5];
    const before = e.trace[i - 1].target[5];
    const o = e.trace[i].objects[held.id];
    const b = e.trace[i].objects[base.id];
    if (!o || !b) throw new Error(`seed ${e.seed}: tick ${i} has no position for ${held.id} or ${base.id}`);
    if (!(grip > OPENING && before <= OPENING) || o[2] < held.height / 2 + LIFTED) continue;
    out.push({ tick: i, gap: o[2] - held.height / 2 - (b[2] + base.height / 2), offset: Math.hypot(o[0] - b[0], o[1] - b[1]) });
  }
  return out;
}

/** Median of the first release's horizontal offset, in successes and in failures (mm; null: none). */
export function releaseSummary(episodes: readonly TracedEpisode[]): { success: number | null; failure: number | null; successes: number; failures: number } {
  const firsts = (ok: boolean) =>
    episodes
      .filter((e) => e.family === 'stack' && e.success === ok)
      .map((e) => stackReleases(e)[0])
      .filter((r): r is Release => r !== undefined)
      .map((r) => r.offset * 1000);
  const median = (xs: number[]) => {
    if (!xs.length) return null;
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const ok = firsts(true);
  const bad = firsts(false);
  return { success: median(ok), failure: median(bad), successes: ok.length, failures: bad.length };
}

export function formatRelease(r: Release, fps = 20): string {
  return `t=${(r.tick / fps).toFixed(2)} s  ${(r.gap * 1000).toFixed(1)} mm above the base, ${(r.offset * 1000).toFixed(1)} mm off its centre`;
}

/** One line for the eval's printout ('' without stack episodes that let go of anything lifted). */
export function formatReleaseSummary(episodes: readonly TracedEpisode[]): string {
  const s = releaseSummary(episodes);
  if (!s.successes && !s.failures) return '';
  const mm = (x: number | null) => (x === null ? '-' : `${x.toFixed(1)} mm`);
  return `stack: first release off the base's centre, median ${mm(s.success)} in ${s.successes} successes, ${mm(s.failure)} in ${s.failures} failures`;
}

if (process.argv[1]?.endsWith('releaseOffsets.ts')) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx training/eval/releaseOffsets.ts TRACE.json');
  const episodes = (JSON.parse(readFileSync(file, 'utf8')) as TracedEpisode[]).filter((e) => e.family === 'stack');
  if (!episodes.length) throw new Error(`${file}: no stack episodes (run npm run eval with --task stack --trace)`);
  for (const e of episodes) {
    const rs = stackReleases(e);
    console.log(`${e.seed} ${e.success ? 'success' : 'failure'}: ${rs.length ? rs.map((r) => formatRelease(r)).join(' | ') : 'never let go of it lifted'}`);
  }
  console.log(formatReleaseSummary(episodes));
}
