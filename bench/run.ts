/**
 * npm run bench [-- --only physics|render|policy-node|policy-browser|loop|serial]
 * Prints a table and writes JSON under bench/results/. Every figure is a ratio against a baseline measured in
 * the same run, because these machines are noisy.
 */
import { parseArgs } from '../tools/args';
import { benchAppLoop } from './appLoop';
import { benchPhysicsStep } from './physicsStep';
import { benchPolicyBrowser } from './policyBrowser';
import { benchPolicyNode } from './policyNode';
import { benchRenderCapture } from './renderCapture';
import { benchSerial } from './serial';
import { type BenchRow, formatRows, writeResults } from './stats';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), {
    only: { type: 'string', default: '', help: 'run one group: physics, render, policy-node, policy-browser, loop, serial' },
  });
  const groups: Record<string, () => Promise<BenchRow[]>> = {
    physics: benchPhysicsStep,
    render: () => benchRenderCapture(),
    'policy-node': benchPolicyNode,
    'policy-browser': benchPolicyBrowser,
    loop: benchAppLoop,
    serial: benchSerial,
  };
  if (args.only && !groups[args.only]) throw new Error(`unknown bench group "${args.only}" (known: ${Object.keys(groups).join(', ')})`);
  const all: BenchRow[] = [];
  for (const [name, fn] of Object.entries(groups)) {
    if (args.only && args.only !== name) continue;
    const rows = await fn();
    writeResults(name, rows, { node: process.version, platform: `${process.platform}-${process.arch}` });
    all.push(...rows);
  }
  console.log(formatRows(all));
  console.log('\nresults in bench/results/');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
