/**
 * A manifest must match its graphs: every input it feeds exists with the right element type and shape, every
 * output it reads exists, and no graph input is left unfed. Mismatches are refused with a message naming them.
 */
import type { GraphIO } from './engine';
import { ManifestError, type PolicyManifest } from './manifest';

type Dims = readonly (number | string | null)[];

function formatShape(shape: Dims): string {
  return `[${shape.map((d) => (typeof d === 'number' ? d : (d ?? '?'))).join(', ')}]`;
}

function shapeMatches(actual: readonly (number | string)[], expected: Dims): boolean {
  if (actual.length === 0) return true; // the graph did not declare a shape
  if (actual.length !== expected.length) return false;
  return actual.every((d, i) => typeof d !== 'number' || d < 0 || expected[i] === null || d === expected[i]);
}

interface Expect {
  name: string;
  type: string;
  shape: Dims;
  what: string;
}

function checkList(kind: 'input' | 'output', graphLabel: string, actual: readonly GraphIO[], expected: Expect[], strictUnfed: boolean): void {
  for (const e of expected) {
    const a = actual.find((x) => x.name === e.name);
    if (!a) {
      const known = actual.map((x) => x.name).join(', ');
      throw new ManifestError(`policy.json names ${kind} "${e.name}" (${e.what}) but ${graphLabel} has no such ${kind}; its ${kind}s are: ${known}`);
    }
    if (a.type !== 'unknown' && a.type !== e.type)
      throw new ManifestError(`${graphLabel} ${kind} "${e.name}" is ${a.type} but policy.json needs ${e.type} (${e.what})`);
    if (!shapeMatches(a.shape, e.shape))
      throw new ManifestError(`${graphLabel} ${kind} "${e.name}" has shape ${formatShape(a.shape)} but policy.json implies ${formatShape(e.shape)} (${e.what})`);
  }
  if (strictUnfed) {
    const fed = new Set(expected.map((e) => e.name));
    const unfed = actual.filter((a) => !fed.has(a.name));
    if (unfed.length > 0) throw new ManifestError(`${graphLabel} needs input "${unfed[0].name}" that policy.json does not describe`);
  }
}

/** The observation inputs (images, tokens, state) of the graph that sees them. */
function observationInputs(m: PolicyManifest): Expect[] {
  const dim = m.action.names.length;
  const list: Expect[] = m.cameras.map((c) => ({ name: c.input, type: 'float32', shape: [1, 3, c.height, c.width], what: `camera "${c.name}"` }));
  list.push({ name: m.tokenizer.ids_input, type: m.tokenizer.dtype, shape: [1, m.tokenizer.max_length], what: 'token ids' });
  if (m.tokenizer.mask_input) list.push({ name: m.tokenizer.mask_input, type: m.tokenizer.dtype, shape: [1, m.tokenizer.max_length], what: 'attention mask' });
  list.push({ name: m.state.input, type: 'float32', shape: [1, dim], what: 'joint state' });
  return list;
}

export function validateGraphs(m: PolicyManifest, graphs: Record<string, { inputs: readonly GraphIO[]; outputs: readonly GraphIO[] }>): void {
  const dim = m.action.names.length;
  const chunk = m.chunk.length;
  const h = m.head;
  if (h.type === 'flow') {
    const enc = graphs.encoder;
    const den = graphs.denoiser;
    checkList('input', h.encoder, enc.inputs, observationInputs(m), true);
    checkList('output', h.encoder, enc.outputs, [{ name: h.context_output, type: 'float32', shape: enc.outputs.find((o) => o.name === h.context_output)?.shape ?? [], what: 'context' }], false);
    checkList(
      'input',
      h.denoiser,
      den.inputs,
      [
        { name: h.noise_input, type: 'float32', shape: [1, chunk, dim], what: 'noisy action chunk x_t' },
        { name: h.time_input, type: 'float32', shape: [1], what: 'flow time t' },
        { name: h.context_input, type: 'float32', shape: enc.outputs.find((o) => o.name === h.context_output)?.shape ?? [], what: 'context from the encoder' },
      ],
      true,
    );
    checkList('output', h.denoiser, den.outputs, [{ name: h.velocity_output, type: 'float32', shape: [1, chunk, dim], what: 'velocity' }], false);
    return;
  }
  const g = graphs.model;
  checkList('input', h.graph, g.inputs, observationInputs(m), true);
  const out: Expect =
    h.type === 'bins'
      ? { name: h.output, type: 'float32', shape: [1, chunk, dim, h.bins], what: 'bin logits' }
      : { name: h.output, type: 'float32', shape: [1, chunk, dim], what: 'action chunk' };
  checkList('output', h.graph, g.outputs, [out], false);
}
