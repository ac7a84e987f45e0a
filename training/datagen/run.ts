/**
 * npm run datagen -- --episodes N --seed-start S --out DIR [--res 96] [--front-res R] [--task FAMILY] [--no-randomize] [--noise DEG] [--recovery CM [--recovery-descents]] [--same-colour] [--decoy] [--misaim CM] [--fumble] [--handover MODEL [--handover-seconds S] [--handover-at time|release]] [--frame-every K] [--tail S]
 * Records scripted-expert episodes with the real sim and renderer in headless Chromium. Families rotate per
 * episode unless --task is given. Seeds from 1,000,000 up are reserved for evaluation and refused here.
 * With --same-colour only seeds whose scene has another object of the instructed object's colour are recorded
 * (sameColour.ts): the run walks up from --seed-start, skipping the others, until it has N episodes.
 *
 * With --handover a policy drives the first 0 to S seconds of each episode and the expert takes over from there
 * (handover.ts); only the expert's part is recorded. Episodes the policy solves before the handover are not
 * written. --handover-at release hands over in place and stack
 * at the policy's lowering of the held object or just after it lets go (handover.ts ReleaseTrigger) instead.
 *
 * With --fumble each pick, place and stack misses its first grasp or drops the object on the way, and the expert
 * recovers (fumble.ts).
 *
 * With --frame-every K the cameras are rendered only every K-th step (meta.json `imageSteps`), and the run
 * records about K times more layouts an hour.
 *
 * With --tail S the expert goes on S seconds past success and those steps are recorded too (meta.json
 * `tailSteps`): the release settling and the jaws lifting clear, which a policy needs to learn to do next.
 *
 * Each episode is a folder: meta.json, state.f32 and action.f32 ([steps, 6] little-endian float32),
 * <camera>.u8 ([steps, res, res, 3] RGB) and targets.f32 (the heatmap targets, sceneTargets.ts's layout, from
 * the page's own world: no replay needed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { openBrowser, startDevServer } from '../../bench/browser';
import { EVAL_SEED_START, generateEpisode, TASK_FAMILIES, TIME_LIMIT, type TaskFamily } from '../../src/sim/tasks';
import { parseArgs } from '../../tools/args';
import type { EpisodeRecord, GenOptions } from './page';
import { hasSameColourDistractor } from './sameColour';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    episodes: { type: 'int', default: 8, help: 'episodes to record' },
    'seed-start': { type: 'int', default: 0, help: 'first seed' },
    out: { type: 'string', default: 'data/demos', help: 'output folder' },
    res: { type: 'int', default: 96, help: 'policy-camera resolution (square)' },
    'front-res': { type: 'int', default: 0, help: 'the front camera at this resolution instead (0: --res)' },
    task: { type: 'string', default: '', help: `one family: ${TASK_FAMILIES.join(', ')}` },
    noise: { type: 'int', default: 3, help: 'largest DART noise level, degrees' },
    recovery: { type: 'int', default: 0, help: 'largest tool offset (cm) held at each hover point and then corrected by the expert (0: none)' },
    'recovery-descents': { type: 'bool', default: false, help: 'with --recovery: offsets in the first 1.5 cm of each grasp descent too, corrected on the way down' },
    'no-randomize': { type: 'bool', default: false, help: 'neutral appearance (no domain randomisation)' },
    decoy: { type: 'bool', default: false, help: 'the first approach goes over another object (one of the same colour if there is one) and waits there before the expert takes it on to the instructed one (not in push episodes)' },
    misaim: { type: 'int', default: 0, help: "largest misaim (cm) of each stack's first carry: the expert lowers off the base's centre, sees it, goes back up and aims again (0: none)" },
    fumble: { type: 'bool', default: false, help: 'each pick, place and stack fumbles once, half of them a grasp that misses by 2.5-4 cm, half a drop part-way through the carry (pick: misses only), and the expert recovers (fumble.ts)' },
    'same-colour': { type: 'bool', default: false, help: 'only scenes where another object shares the colour of the instructed one (or of the stack base), skipping the other seeds' },
    handover: { type: 'string', default: '', help: 'model folder (inside this project): it drives the start of each episode, then the expert takes over and only that is recorded (DAgger)' },
    'handover-seconds': { type: 'int', default: 12, help: 'with --handover: the expert takes over after a random 0 to this many seconds (with --handover-at release: at the latest after this many)' },
    'frame-every': { type: 'int', default: 1, help: 'render the cameras only every this many control steps (state, action and targets stay every step): more layouts per hour' },
    tail: { type: 'int', default: 0, help: 'keep recording the expert this many seconds past success (its release settling and the jaws lifting clear), so a policy learns what follows a release (0: stop at success)' },
    'handover-at': { type: 'string', default: 'time', help: "with --handover: 'time' (a random time in the window) or 'release' (place and stack: at the policy's lowering of the held object near where it must rest, or just after it lets go; pick and push keep 'time')" },
  });
  const last = args['seed-start'] + args.episodes - 1;
  if (last >= EVAL_SEED_START) throw new Error(`seeds ${EVAL_SEED_START} and up are reserved for evaluation: use seeds below ${EVAL_SEED_START}`);
  if (args.task && !TASK_FAMILIES.includes(args.task as TaskFamily)) throw new Error(`unknown task family "${args.task}"`);
  if (args.recovery < 0 || args.recovery > 8) throw new Error('--recovery must be between 0 and 8 cm');
  if (args.misaim < 0 || args.misaim > 6) throw new Error('--misaim must be between 0 and 6 cm');
  if (args['recovery-descents'] && args.recovery === 0) throw new Error('--recovery-descents needs --recovery CM');
  for (const k of ['res', 'front-res'] as const) {
    if ((k === 'res' || args[k] !== 0) && (args[k] < 16 || args[k] > 256)) throw new Error(`--${k} must be between 16 and 256`);
  }
  const handover = args.handover ? relative(process.cwd(), resolve(args.handover)) : '';
  if (handover.startsWith('..')) throw new Error('--handover must be a model folder inside this project (the dev server serves it)');
  // The policy must hand over before the shortest time limit of the families it runs.
  const shortest = Math.min(...(args.task ? [args.task as TaskFamily] : TASK_FAMILIES).map((f) => TIME_LIMIT[f]));
  if (handover && (args['handover-seconds'] < 1 || args['handover-seconds'] >= shortest)) throw new Error(`--handover-seconds must be between 1 and ${shortest - 1}`);
  if (args['frame-every'] < 1 || args['frame-every'] > 20) throw new Error('--frame-every must be between 1 and 20');
  if (args.tail < 0 || args.tail > 3) throw new Error('--tail must be between 0 and 3 s');
  if (args.fumble && handover) throw new Error('--fumble records the expert from the start: not with --handover');
  if (!['time', 'release'].includes(args['handover-at'])) throw new Error(`--handover-at must be 'time' or 'release', not "${args['handover-at']}"`);
  const opts: GenOptions = { res: args.res, ...(args['front-res'] ? { frontRes: args['front-res'] } : {}), randomize: !args['no-randomize'], maxNoiseDeg: args.noise, recoveryCm: args.recovery, recoveryDescents: args['recovery-descents'], decoy: args.decoy, misaimCm: args.misaim, fumble: args.fumble, ...(handover ? { handoverSeconds: args['handover-seconds'], handoverAt: args['handover-at'] as 'time' | 'release' } : {}), ...(args['frame-every'] > 1 ? { frameEvery: args['frame-every'] } : {}), ...(args.tail > 0 ? { tailSeconds: args.tail } : {}) };
  mkdirSync(args.out, { recursive: true });

  const { server, origin } = await startDevServer();
  const { browser, page } = await openBrowser(origin);
  try {
    await page.goto(`${origin}/training/datagen/page.html`);
    await page.waitForFunction(() => typeof (window as unknown as { __generate?: unknown }).__generate === 'function', null, { timeout: 60_000 });
    if (handover) {
      const name = await page.evaluate((url) => (window as unknown as { __loadPolicy: (u: string) => Promise<string> }).__loadPolicy(url), `/${handover.split('\\').join('/')}/`);
      const when = args['handover-at'] === 'release' ? `at its lowering or release in place and stack (at the latest after ${args['handover-seconds']} s)` : `after 0 to ${args['handover-seconds']} s`;
      console.log(`the expert takes over from ${name} ${when}`);
    }
    const t0 = performance.now();
    let steps = 0;
    let frames = 0; // camera frames rendered: every step's, or with --frame-every only those
    let ok = 0;
    let solvedByPolicy = 0;
    let seed = args['seed-start'] - 1;
    for (let i = 0; i < args.episodes; i++) {
      const family = (args.task || TASK_FAMILIES[i % TASK_FAMILIES.length]) as TaskFamily;
      seed = nextSeed(seed + 1, family, args['same-colour']);
      const rec = (await page.evaluate(
        ([s, f, o]) => (window as unknown as { __generate: (s: number, f: string, o: GenOptions) => Promise<EpisodeRecord> }).__generate(s, f, o),
        [seed, family, opts] as [number, string, GenOptions],
      )) as EpisodeRecord;
      if (rec.policySolved) solvedByPolicy++;
      else writeEpisode(join(args.out, `episode_${String(seed).padStart(7, '0')}`), rec);
      steps += rec.steps;
      frames += rec.imageSteps?.length ?? rec.steps;
      if (rec.success) ok++;
      const secs = (performance.now() - t0) / 1000;
      const done = i + 1;
      const bar = '#'.repeat(Math.round((done / args.episodes) * 30)).padEnd(30, '.');
      const policy = handover ? `, ${solvedByPolicy} solved by the policy first` : '';
      process.stdout.write(`\r[${bar}] ${done}/${args.episodes} episodes, ${ok} successful${policy}, ${(steps / secs).toFixed(1)} steps/s, ${(frames / secs).toFixed(1)} frames/s  `);
    }
    process.stdout.write(args['same-colour'] ? `\nlast seed ${seed}\n` : '\n');
  } finally {
    await browser.close();
    await server.close();
  }
}

function writeEpisode(dir: string, rec: EpisodeRecord): void {
  mkdirSync(dir, { recursive: true });
  for (const [cam, b64] of Object.entries(rec.images)) writeFileSync(join(dir, `${cam}.u8`), Buffer.from(b64, 'base64'));
  writeFileSync(join(dir, 'state.f32'), Buffer.from(rec.state, 'base64'));
  writeFileSync(join(dir, 'action.f32'), Buffer.from(rec.action, 'base64'));
  writeFileSync(join(dir, 'targets.f32'), Buffer.from(rec.targets, 'base64'));
  const { images: _i, state: _s, action: _a, targets: _t, ...meta } = rec;
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify({ ...meta, cameras: Object.keys(rec.images) }, null, 1)}\n`);
}

/** The first seed from `from` up that the run records (with `sameColour`, one whose scene has a same-colour distractor). */
function nextSeed(from: number, family: TaskFamily, sameColour: boolean): number {
  for (let seed = from; seed < EVAL_SEED_START; seed++) {
    if (!sameColour || hasSameColourDistractor(generateEpisode(seed, family))) return seed;
  }
  throw new Error(`no seed left below ${EVAL_SEED_START} (reserved for evaluation)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
