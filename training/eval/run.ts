/**
 * npm run eval -- --model DIR --episodes N --seed-start S [--task FAMILY] [--sync [--horizon H]] [--ensemble] [--blend T] [--noise-scale X] [--samples N] [--parallel N] [--json FILE]
 * Closed-loop evaluation of a model folder through the real runtime (worker, WASM) in headless Chromium, with
 * the scripted expert's success on the same seeds beside it. Seeds from 1,000,000 up are held out of training.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { relative, resolve } from 'node:path';
import { openBrowser, startDevServer } from '../../bench/browser';
import { checkFlowSamples, checkNoiseScale } from '../../src/policy/manifest';
import { runEpisode } from '../../src/sim/episode';
import { EVAL_SEED_START, generateEpisode, TASK_FAMILIES, type TaskFamily } from '../../src/sim/tasks';
import { parseArgs } from '../../tools/args';
import { formatTable, summarise } from '../../tools/summary';
import { countFailures, formatFailures } from './failures';
import { formatSplit, splitBySameColour } from './sceneSplit';
import { formatReleaseSummary, type TracedEpisode } from './releaseOffsets';
import { formatStackShapes, stackByShape } from './stackShapes';
import type { EpisodeOptions, EvalEpisode, LoadedModel } from './page';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    model: { type: 'string', default: '', help: 'model folder (inside this project), e.g. models/tabletop-mini-bins' },
    episodes: { type: 'int', default: 10, help: 'episodes per family' },
    'seed-start': { type: 'int', default: EVAL_SEED_START, help: 'first seed (held-out seeds start at 1,000,000)' },
    task: { type: 'string', default: '', help: `one family: ${TASK_FAMILIES.join(', ')}` },
    sync: { type: 'bool', default: false, help: 'synchronous inference (the sim waits for the model)' },
    horizon: { type: 'int', default: 0, help: 'with --sync: actions run from each chunk before the next is asked for (0: the whole chunk)' },
    ensemble: { type: 'bool', default: false, help: 'blend overlapping chunks (ACT temporal ensembling)' },
    blend: { type: 'int', default: 0, help: 'smooth each chunk hand-over of the arm joints over this many ticks (0: none)' },
    'noise-scale': { type: 'string', default: '', help: "flow models: scale of the starting noise, 0 to 2, instead of policy.json's head.noise_scale" },
    samples: { type: 'int', default: 0, help: "flow models: chunks drawn per observation, their medoid kept (1 to 32), instead of policy.json's head.samples" },
    parallel: { type: 'int', default: 1, help: 'episodes run at once, each in its own page (one per core). Sync results do not change; async runs in real time, so pages sharing the cores make its chunks later' },
    json: { type: 'string', default: '', help: 'write results as JSON' },
    trace: { type: 'string', default: '', help: 'write per-tick state, policy target, shadow-expert action and object positions of every episode as JSON (for debugging)' },
  });
  if (!args.model) throw new Error('--model DIR is required');
  const rel = relative(process.cwd(), resolve(args.model));
  if (rel.startsWith('..')) throw new Error('--model must be a folder inside this project (the dev server serves it)');
  const families: TaskFamily[] = args.task ? [args.task as TaskFamily] : [...TASK_FAMILIES];
  for (const f of families) if (!TASK_FAMILIES.includes(f)) throw new Error(`unknown task family "${f}"`);
  if (args['seed-start'] < EVAL_SEED_START) console.warn(`warning: seeds below ${EVAL_SEED_START} may have been used for training`);

  const noiseScale = args['noise-scale'] === '' ? undefined : Number(args['noise-scale']);
  if (noiseScale !== undefined) checkNoiseScale(noiseScale);
  const samples = args.samples === 0 ? undefined : args.samples;
  if (samples !== undefined) checkFlowSamples(samples);
  if (args.parallel < 1 || args.parallel > 16) throw new Error('--parallel must be 1 to 16');
  if (args.horizon < 0) throw new Error('--horizon must be 0 or more');
  if (args.blend < 0) throw new Error('--blend must be 0 or more');
  if (args.horizon > 0 && !args.sync) throw new Error('--horizon applies to --sync (async asks for chunks by queue depth)');
  const options: EpisodeOptions = {
    mode: args.sync ? 'sync' : 'async',
    trace: args.trace !== '',
    ensemble: args.ensemble,
    blendTicks: args.blend,
    ...(args.horizon > 0 ? { horizon: args.horizon } : {}),
    sampling: { ...(noiseScale !== undefined ? { noiseScale } : {}), ...(samples !== undefined ? { samples } : {}) },
  };
  const { server, origin } = await startDevServer();
  const { browser, page: first } = await openBrowser(origin);
  const jobs = families.flatMap((family) => Array.from({ length: args.episodes }, (_, i) => ({ family, seed: args['seed-start'] + i })));
  const policy: EvalEpisode[] = [];
  let modelFlow: LoadedModel['flow'] = null;
  try {
    // Each page is its own renderer process with its own policy worker: on N cores, N episodes at once.
    const pages = [first, ...(await Promise.all(Array.from({ length: args.parallel - 1 }, () => browser.newPage())))];
    const loaded = await Promise.all(pages.map((page) => openEvalPage(page, origin, rel)));
    modelFlow = loaded[0].flow;
    if (noiseScale !== undefined && modelFlow === null) throw new Error('--noise-scale applies to flow models only');
    if (samples !== undefined && modelFlow === null) throw new Error('--samples applies to flow models only');
    const says = (mine: number | undefined, model: number) => (mine === undefined ? '' : ` (the model says ${model})`);
    const noise =
      modelFlow === null
        ? ''
        : `, noise scale ${noiseScale ?? modelFlow.noiseScale}${says(noiseScale, modelFlow.noiseScale)}, ${samples ?? modelFlow.samples} sample(s) per chunk${says(samples, modelFlow.samples)}`;
    console.log(`model: ${loaded[0].label}, ${options.mode} inference${options.horizon ? `, horizon ${options.horizon}` : ''}${options.ensemble ? ', ensembled' : ''}${options.blendTicks ? `, hand-overs blended over ${options.blendTicks} ticks` : ''}${noise}, ${pages.length} page(s)`);
    let next = 0;
    await Promise.all(
      pages.map(async (page) => {
        while (next < jobs.length) {
          const { seed, family } = jobs[next++];
          const r = (await page.evaluate(
            ([s, f, o]) => (window as unknown as { __eval: { episode(s: number, f: string, o: EpisodeOptions): Promise<EvalEpisode> } }).__eval.episode(s, f, o),
            [seed, family, options] as [number, string, EpisodeOptions],
          )) as EvalEpisode;
          policy.push(r);
          process.stdout.write(`\r${policy.length}/${jobs.length} episodes, ${policy.filter((p) => p.success).length} successes   `);
        }
      }),
    );
    process.stdout.write('\n');
  } finally {
    await browser.close();
    await server.close();
  }
  // Pages finish out of order: report in job order (family, then seed), as a single page would.
  policy.sort((a, b) => families.indexOf(a.family) - families.indexOf(b.family) || a.seed - b.seed);
  const summary = summarise(policy);
  const expert = summarise(await Promise.all(policy.map((p) => runEpisode(generateEpisode(p.seed, p.family)))));
  const failures = countFailures(policy);
  const split = splitBySameColour(policy);
  const stackShapes = stackByShape(policy);
  const families_: Record<string, unknown> = {};
  for (const [f, s] of Object.entries(summary.families)) families_[f] = { ...s, expert_success_rate: expert.families[f]?.success_rate ?? null, failures: failures[f] };
  const result = {
    model: rel,
    mode: options.mode,
    horizon: options.horizon ?? null,
    ensemble: options.ensemble,
    blend_ticks: options.blendTicks ?? 0,
    // The sampling the run used (null: not a flow model).
    noise_scale: modelFlow === null ? null : (noiseScale ?? modelFlow.noiseScale),
    samples: modelFlow === null ? null : (samples ?? modelFlow.samples),
    seed_start: args['seed-start'],
    families: families_,
    overall: { ...summary.overall, expert_success_rate: expert.overall.success_rate },
    scenes: split,
    stack_shapes: stackShapes,
    episodes: policy.map((p) => ({ seed: p.seed, family: p.family, success: p.success, sim_seconds: p.simSeconds, failure: p.failure })),
  };
  console.log(formatTable(summary, expert));
  console.log(formatFailures(failures));
  console.log(formatSplit(split));
  const shapeLine = formatStackShapes(stackShapes);
  if (shapeLine) console.log(shapeLine);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  if (args.trace) {
    const traced = policy.map((p) => ({ seed: p.seed, family: p.family, success: p.success, failure: p.failure, trace: p.trace ?? [] }));
    const releaseLine = formatReleaseSummary(traced satisfies TracedEpisode[]);
    if (releaseLine) console.log(releaseLine);
    writeFileSync(args.trace, JSON.stringify(traced));
  }
}

/** Load the eval page and the model into a page; → the model's label and flow sampling settings. */
async function openEvalPage(page: Page, origin: string, rel: string): Promise<LoadedModel> {
  await page.goto(`${origin}/training/eval/page.html`);
  await page.waitForFunction(() => typeof (window as unknown as { __eval?: unknown }).__eval === 'object', null, { timeout: 60_000 });
  return page.evaluate(
    (url) => (window as unknown as { __eval: { load(u: string): Promise<LoadedModel> } }).__eval.load(url),
    `/${rel.split('\\').join('/')}/`,
  );
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
