/**
 * What a model was trained to hear: the phrasings of its training instructions (colours and shapes replaced
 * by placeholders, so a few lines cover hundreds of instructions) and the words it never saw, which it reads
 * as [UNK] and is likely to misunderstand.
 */
import { tokenize } from '../sim/instructions';
import { OBJECT_COLORS, SHAPES } from '../sim/scene';

const COLORS = new Set<string>(OBJECT_COLORS);
const SHAPE_WORDS = new Set<string>([...SHAPES, 'block', 'can']);
const SIDES = new Set(['left', 'right']);

function placeholder(word: string): string {
  if (COLORS.has(word)) return '{colour}';
  if (SHAPE_WORDS.has(word)) return '{shape}';
  if (SIDES.has(word)) return '{side}';
  return word;
}

/** Distinct phrasings, most frequent first: "put the {colour} {shape} in the {colour} bowl". */
export function trainedPhrasings(instructions: readonly string[], limit = 40): string[] {
  const counts = new Map<string, number>();
  for (const text of instructions) {
    const p = tokenize(text).map(placeholder).join(' ');
    if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([p]) => p);
}

export function trainedWords(instructions: readonly string[]): Set<string> {
  return new Set(instructions.flatMap((t) => tokenize(t)));
}

/** Words of `instruction` that appear in none of the training instructions, in order, once each. */
export function unseenWords(instruction: string, words: ReadonlySet<string>): string[] {
  return [...new Set(tokenize(instruction).filter((w) => !words.has(w)))];
}
