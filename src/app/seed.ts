/** Seeds as people type them: a whole number from 0 to 2³¹−1, or a clear message. */
export const MAX_SEED = 2 ** 31 - 1;

export type SeedResult = { ok: true; seed: number } | { ok: false; error: string };

export function parseSeed(text: string): SeedResult {
  const t = text.trim();
  if (t === '') return { ok: false, error: 'Enter a seed: a whole number such as 42.' };
  if (!/^\d+$/.test(t)) return { ok: false, error: `"${t.slice(0, 20)}" is not a valid seed: use a whole number from 0 to ${MAX_SEED}.` };
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n > MAX_SEED) return { ok: false, error: `Seed too large: use a whole number from 0 to ${MAX_SEED}.` };
  return { ok: true, seed: n };
}
