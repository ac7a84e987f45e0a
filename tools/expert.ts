/**
 * npm run expert -- --episodes N --seed-start S [--task FAMILY] [--json FILE]
 * Runs the scripted expert headless and prints success rate, mean steps and mean sim seconds per family.
 */
import { writeFileSync } from 'node:fs';
import { type EpisodeResult, runEpisode } from '../src/sim/episode';
import { generateEpisode, TASK_FAMILIES, type TaskFamily } from '../src/sim/tasks';
import { parseArgs } from './args';
import { summarise, formatTable } from './summary';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    episodes: { type: 'int', default: 20, help: 'episodes per family' },
    'seed-start': { type: 'int', default: 0, help: 'first seed' },
    task: { type: 'string', default: '', help: `one family: ${TASK_FAMILIES.join(', ')}` },
    json: { type: 'string', default: '', help: 'write results as JSON to this file' },
  });
  const families: TaskFamily[] = args.task ? [args.task as TaskFamily] : [...TASK_FAMILIES];
  for (const f of families) if (!TASK_FAMILIES.includes(f)) throw new Error(`unknown task family "${f}" (expected one of ${TASK_FAMILIES.join(', ')})`);
  const results: EpisodeResult[] = [];
  const t0 = performance.now();
  for (const family of families) {
    for (let i = 0; i < args.episodes; i++) {
      const seed = args['seed-start'] + i;
      const r = await runEpisode(generateEpisode(seed, family));
      results.push(r);
      if (!r.success) console.error(`  fail: seed ${seed} ${family}: "${r.instruction}"`);
    }
  }
  const summary = summarise(results);
  console.log(formatTable(summary));
  console.log(`wall time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ seed_start: args['seed-start'], ...summary }, null, 2)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
