/** A small typed --flag parser for the project's command-line tools, with clear errors for bad input. */
type Spec = Record<string, { type: 'int' | 'string' | 'bool'; default: number | string | boolean; help: string }>;
type Parsed<S extends Spec> = { [K in keyof S]: S[K]['type'] extends 'int' ? number : S[K]['type'] extends 'bool' ? boolean : string };

export function parseArgs<S extends Spec>(argv: string[], spec: S): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) out[k] = v.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      for (const [k, v] of Object.entries(spec)) console.log(`  --${k.padEnd(12)} ${v.help} (default ${JSON.stringify(v.default)})`);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const [key, inline] = a.slice(2).split('=', 2);
    const s = spec[key];
    if (!s) throw new Error(`unknown option --${key} (known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (s.type === 'bool') {
      out[key] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${key} needs a value`);
    if (s.type === 'int') {
      if (!/^-?\d+$/.test(value)) throw new Error(`--${key} must be an integer, got "${value}"`);
      out[key] = Number(value);
    } else out[key] = value;
  }
  return out as Parsed<S>;
}
