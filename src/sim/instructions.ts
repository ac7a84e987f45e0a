/**
 * Natural-language instructions → tasks. `parseInstruction` needs no scene: it finds the family and the
 * object descriptions, or names the words it does not understand. `resolveInstruction` binds descriptions to
 * the objects of a scene, or says which ones are missing or ambiguous.
 */
import { type BowlSpec, type ColorName, OBJECT_COLORS, type ObjectSpec, type SceneSpec, SHAPES, type ShapeName } from './scene';
import type { Side, Task, TaskFamily } from './tasks';

/** A description of an object: its colour, its shape, or both. */
export interface ObjectRef {
  color?: ColorName;
  shape?: ShapeName;
}

export type ParsedInstruction =
  | { family: 'pick'; object: ObjectRef }
  | { family: 'place'; object: ObjectRef; bowl: { color?: ColorName } }
  | { family: 'push'; object: ObjectRef; side: Side }
  | { family: 'stack'; object: ObjectRef; base: ObjectRef };

export type ParseResult =
  | { ok: true; parsed: ParsedInstruction }
  | { ok: false; error: string; unknownWords: string[] };

const PICK_VERBS = ['pick', 'lift', 'grab', 'raise', 'grasp', 'take', 'hold'];
const PLACE_VERBS = ['put', 'place', 'drop', 'move', 'set', 'transfer', 'stack', 'carry'];
const PUSH_VERBS = ['push', 'slide', 'shove', 'nudge', 'move'];
const STACK_VERBS = ['stack', 'put', 'place', 'set', 'move'];

const SHAPE_WORDS: Record<string, ShapeName> = { cube: 'cube', block: 'cube', cylinder: 'cylinder', can: 'cylinder' };
/** Nouns that stand for "an object" when the colour says which. */
const GENERIC_NOUNS = ['one', 'object', 'thing', 'piece', 'item'];
const FILLER = [
  'the', 'a', 'an', 'up', 'in', 'into', 'inside', 'on', 'onto', 'top', 'of', 'to', 'it', 'and', 'side', 'table',
  'please', 'toward', 'towards', 'over', 'then', 'that', 'this', 'its', 'from', 'with', 'off', 'hand', 'edge', 'part',
  'now', 'gently', 'carefully', 'can', 'you',
];
const SIDE_WORDS: Record<string, Side> = { left: 'left', right: 'right', leftward: 'left', rightward: 'right', leftwards: 'left', rightwards: 'right' };

function plural(word: string): string | null {
  return word.endsWith('s') && word.length > 3 ? word.slice(0, -1) : null;
}

/** Every word the parser understands (for the UI's vocabulary hints). */
export const VOCABULARY: readonly string[] = [
  ...new Set([
    ...PICK_VERBS, ...PLACE_VERBS, ...PUSH_VERBS, ...STACK_VERBS, ...Object.keys(SHAPE_WORDS), 'bowl',
    ...GENERIC_NOUNS, ...FILLER, ...Object.keys(SIDE_WORDS), ...OBJECT_COLORS,
  ]),
];

interface Mention {
  kind: 'object' | 'bowl';
  color?: ColorName;
  shape?: ShapeName;
}

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s'-]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);
}

export function parseInstruction(text: string): ParseResult {
  if (text.length > 300) return { ok: false, error: 'That instruction is too long (300 characters at most).', unknownWords: [] };
  const words = tokenize(text);
  if (words.length === 0) return { ok: false, error: 'Type an instruction, e.g. "put the red cube in the blue bowl".', unknownWords: [] };

  const verbs: string[] = [];
  const mentions: Mention[] = [];
  const unknown: string[] = [];
  let side: Side | undefined;
  let pendingColor: ColorName | undefined;
  let sawOn = false;

  const flushColor = () => {
    if (pendingColor) mentions.push({ kind: 'object', color: pendingColor });
    pendingColor = undefined;
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const colour = (OBJECT_COLORS as readonly string[]).includes(w) ? (w as ColorName) : undefined;
    const shape = SHAPE_WORDS[w] ?? SHAPE_WORDS[plural(w) ?? ''];
    if (colour) {
      flushColor();
      pendingColor = colour;
    } else if (shape && !(w === 'can' && i + 1 < words.length && words[i + 1] === 'you')) {
      mentions.push({ kind: 'object', color: pendingColor, shape });
      pendingColor = undefined;
    } else if (w === 'bowl' || w === 'bowls' || w === 'dish' || w === 'basket') {
      mentions.push({ kind: 'bowl', color: pendingColor });
      pendingColor = undefined;
    } else if (GENERIC_NOUNS.includes(w)) {
      if (pendingColor) flushColor();
      else if (w !== 'one') unknown.push(w);
    } else if (SIDE_WORDS[w]) {
      flushColor();
      side = SIDE_WORDS[w];
    } else if ([...PICK_VERBS, ...PLACE_VERBS, ...PUSH_VERBS].includes(w)) {
      flushColor();
      verbs.push(w);
    } else if (FILLER.includes(w)) {
      if (w === 'on' || w === 'onto' || w === 'top') sawOn = true;
      // "the red" followed by a filler: the colour names the object on its own.
      if (w !== 'the' && w !== 'a' && w !== 'an') flushColor();
    } else if ((SHAPES as readonly string[]).includes(w)) {
      mentions.push({ kind: 'object', color: pendingColor, shape: w as ShapeName });
    } else {
      unknown.push(w);
    }
  }
  flushColor();

  if (unknown.length > 0) {
    const list = unknown.map((w) => `"${w}"`).join(', ');
    return {
      ok: false,
      error: `I don't understand ${list}. I know colours (${OBJECT_COLORS.join(', ')}), shapes (cube, cylinder), bowls, left/right, and verbs like pick up, put, push, stack.`,
      unknownWords: unknown,
    };
  }
  const objects = mentions.filter((m) => m.kind === 'object');
  const bowls = mentions.filter((m) => m.kind === 'bowl');
  const has = (list: string[]) => verbs.some((v) => list.includes(v));
  const ref = (m: Mention): ObjectRef => ({ ...(m.color ? { color: m.color } : {}), ...(m.shape ? { shape: m.shape } : {}) });
  const fail = (error: string): ParseResult => ({ ok: false, error, unknownWords: [] });

  if (verbs.length === 0) return fail('Say what to do: pick up, put … in …, push … left/right, or stack … on ….');
  if (objects.length === 0) return fail('Say which object, e.g. "the red cube".');

  if (side) {
    if (!has(PUSH_VERBS)) return fail(`To move something ${side}, say "push the … to the ${side}".`);
    if (objects.length !== 1 || bowls.length > 0) return fail('Push one object to a side: "push the red cube to the left".');
    return { ok: true, parsed: { family: 'push', object: ref(objects[0]), side } };
  }
  if (bowls.length > 0) {
    if (!has(PLACE_VERBS)) return fail('To use a bowl, say "put the … in the … bowl".');
    if (objects.length !== 1 || bowls.length !== 1) return fail('Put one object in one bowl: "put the red cube in the blue bowl".');
    return { ok: true, parsed: { family: 'place', object: ref(objects[0]), bowl: bowls[0].color ? { color: bowls[0].color } : {} } };
  }
  if (objects.length === 2) {
    if (!has(STACK_VERBS) || !sawOn) return fail('To stack, say "stack the … on the …".');
    return { ok: true, parsed: { family: 'stack', object: ref(objects[0]), base: ref(objects[1]) } };
  }
  if (objects.length > 2) return fail('That names too many objects: name one (or two to stack).');
  if (has(PICK_VERBS)) return { ok: true, parsed: { family: 'pick', object: ref(objects[0]) } };
  if (has(PUSH_VERBS)) return fail('Say which side to push it to: left or right.');
  return fail('Say where to put it: in a bowl or on another object.');
}

export function describeRef(r: ObjectRef): string {
  return [r.color, r.shape ?? 'object'].filter(Boolean).join(' ');
}

export type ResolveResult = { ok: true; task: Task } | { ok: false; error: string };

function findObject(scene: SceneSpec, r: ObjectRef): ObjectSpec | string {
  const matches = scene.objects.filter((o) => (!r.color || o.color === r.color) && (!r.shape || o.shape === r.shape));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) return `There is no ${describeRef(r)} in this scene.`;
  return `There are ${matches.length} ${describeRef(r)}s here: say which (${matches.map((m) => `${m.color} ${m.shape}`).join(', ')}).`;
}

function findBowl(scene: SceneSpec, color?: ColorName): BowlSpec | string {
  const matches = scene.bowls.filter((b) => !color || b.color === color);
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) return `There is no ${color ? `${color} ` : ''}bowl in this scene.`;
  return `There are ${matches.length} bowls here: say which (${matches.map((b) => `${b.color} bowl`).join(', ')}).`;
}

/** Bind a parsed instruction to a scene's objects. */
export function resolveInstruction(parsed: ParsedInstruction, scene: SceneSpec): ResolveResult {
  const object = findObject(scene, parsed.object);
  if (typeof object === 'string') return { ok: false, error: object };
  switch (parsed.family) {
    case 'pick':
      return { ok: true, task: { family: 'pick', object: object.id } };
    case 'push':
      return { ok: true, task: { family: 'push', object: object.id, side: parsed.side } };
    case 'place': {
      const bowl = findBowl(scene, parsed.bowl.color);
      if (typeof bowl === 'string') return { ok: false, error: bowl };
      return { ok: true, task: { family: 'place', object: object.id, bowl: bowl.id } };
    }
    case 'stack': {
      const base = findObject(scene, parsed.base);
      if (typeof base === 'string') return { ok: false, error: base };
      if (base.id === object.id) return { ok: false, error: 'An object cannot be stacked on itself.' };
      return { ok: true, task: { family: 'stack', object: object.id, base: base.id } };
    }
  }
}

/** Parse and resolve in one call, for the UI. */
export function instructionToTask(text: string, scene: SceneSpec): ResolveResult & { unknownWords?: string[] } {
  const p = parseInstruction(text);
  if (!p.ok) return { ok: false, error: p.error, unknownWords: p.unknownWords };
  return resolveInstruction(p.parsed, scene);
}

export const FAMILY_LABEL: Record<TaskFamily, string> = {
  pick: 'Pick up',
  place: 'Put in bowl',
  push: 'Push to a side',
  stack: 'Stack',
};
