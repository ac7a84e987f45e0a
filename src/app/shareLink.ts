/**
 * Share links: the scene seed, task family, instruction, model, loop mode and viewer camera live in the page's
 * hash (`#seed=…&family=…`), so a link opens the same demo for anyone. Everything is validated: a link is
 * input from a stranger, so unknown keys, absurd numbers, oversized text and non-http(s) model URLs are
 * refused with a message naming them, and nothing in a link starts a download or a run by itself.
 */
import { z } from 'zod';
import { MAX_SEED } from './seed';
import { TASK_FAMILIES } from '../sim/tasks';

/** A model a link names: one shipped with the app (by folder id) or a remote folder URL (needs a click). */
export type SharedModel = { kind: 'builtin'; id: string } | { kind: 'url'; url: string };

export interface ShareState {
  seed?: number;
  family?: (typeof TASK_FAMILIES)[number];
  instruction?: string;
  model?: SharedModel;
  mode?: 'async' | 'sync';
  /** Viewer camera: eye and target (m). */
  view?: { eye: [number, number, number]; target: [number, number, number] };
}

const MAX_HASH = 2000;
const coord = z.number().finite().min(-5).max(5);
const triple = z
  .string()
  .max(60)
  .transform((s, ctx) => {
    const parts = s.split(',').map(Number);
    const r = z.tuple([coord, coord, coord]).safeParse(parts);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: 'must be three numbers between -5 and 5 (metres), comma-separated' });
      return z.NEVER;
    }
    return r.data;
  });

function parseModel(value: string, ctx: z.RefinementCtx): SharedModel {
  if (/^[a-z0-9][a-z0-9._-]{0,79}$/.test(value)) return { kind: 'builtin', id: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a built-in model name or an http(s) URL' });
    return z.NEVER;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, not ${url.protocol}` });
    return z.NEVER;
  }
  if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
    return z.NEVER;
  }
  return { kind: 'url', url: url.href };
}

const linkSchema = z
  .object({
    seed: z
      .string()
      .regex(/^\d{1,10}$/, 'must be a whole number')
      .transform(Number)
      .refine((n) => n <= MAX_SEED, `must be at most ${MAX_SEED}`),
    family: z.enum(TASK_FAMILIES),
    instruction: z
      .string()
      .min(1)
      .max(300, 'is longer than 300 characters')
      // Printable text only: no control characters smuggled into the UI.
      .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'contains control characters'),
    model: z.string().max(500, 'is longer than 500 characters').transform(parseModel),
    mode: z.enum(['async', 'sync']),
    eye: triple,
    target: triple,
  })
  .partial()
  .strict();

export type ParsedLink = { ok: true; state: ShareState } | { ok: false; error: string };

/** Parse a location hash (with or without "#"); an empty hash is a valid, empty state. */
export function parseShareLink(hash: string): ParsedLink {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw.length === 0) return { ok: true, state: {} };
  if (raw.length > MAX_HASH) return { ok: false, error: `This link is too long (${raw.length} characters; ${MAX_HASH} at most).` };
  const params = new URLSearchParams(raw);
  const entries: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in entries) return { ok: false, error: `This link names "${k.slice(0, 40)}" twice.` };
    entries[k] = v;
  }
  const r = linkSchema.safeParse(entries);
  if (!r.success) {
    const problems = r.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') return `unknown ${i.keys.length === 1 ? 'setting' : 'settings'} ${i.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ')}`;
      return `${i.path.join('.')} ${i.message}`;
    });
    return { ok: false, error: `This link is not valid: ${problems.join('; ')}. Nothing from it was applied.` };
  }
  const { eye, target, ...rest } = r.data;
  const state: ShareState = { ...rest };
  if (eye && target) state.view = { eye, target };
  else if (eye || target) return { ok: false, error: 'This link is not valid: eye and target come together. Nothing from it was applied.' };
  return { ok: true, state };
}

/** The hash (with "#") that reproduces `state`; numbers are rounded so links stay short. */
export function shareLinkHash(state: ShareState): string {
  const p = new URLSearchParams();
  if (state.seed !== undefined) p.set('seed', String(state.seed));
  if (state.family) p.set('family', state.family);
  if (state.instruction) p.set('instruction', state.instruction);
  if (state.model) p.set('model', state.model.kind === 'builtin' ? state.model.id : state.model.url);
  if (state.mode) p.set('mode', state.mode);
  if (state.view) {
    const fmt = (v: readonly number[]) => v.map((x) => Number(x.toFixed(3))).join(',');
    p.set('eye', fmt(state.view.eye));
    p.set('target', fmt(state.view.target));
  }
  const s = p.toString();
  return s ? `#${s}` : '';
}
