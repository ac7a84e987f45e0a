/**
 * Typed columns → Parquet bytes, with the physical layout pyarrow writes for LeRobot's tables: nullable
 * columns, 3-level LIST groups (`<name>.list.element`) for vectors, and Hugging Face's image struct
 * `{bytes, path}`. hyparquet-writer is pure JS, so the same code runs in the browser and in Node tests.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';

/** hyparquet-writer's own schema type (it pins its own hyparquet). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

export type LeafType = 'float32' | 'float64' | 'int64' | 'string';

export type Column =
  /** A plain column; null is a missing value (every column is nullable). */
  | { name: string; type: LeafType; values: ArrayLike<unknown> }
  /** A list column (depth 1: list<leaf>, depth 3: list<list<list<leaf>>> for [3,1,1] image stats). */
  | { name: string; type: 'list'; leaf: LeafType; depth: number; values: unknown[] }
  /** Hugging Face `Image()` feature: struct<bytes: binary, path: string>. */
  | { name: string; type: 'image'; values: { bytes: Uint8Array; path: string | null }[] };

function leafElement(name: string, leaf: LeafType): SchemaElement {
  switch (leaf) {
    case 'float32':
      return { name, type: 'FLOAT', repetition_type: 'OPTIONAL' };
    case 'float64':
      return { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' };
    case 'int64':
      return { name, type: 'INT64', repetition_type: 'OPTIONAL' };
    case 'string':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
  }
}

function listElements(name: string, leaf: LeafType, depth: number): SchemaElement[] {
  const group: SchemaElement[] = [
    { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ];
  return depth > 1 ? [...group, ...listElements('element', leaf, depth - 1)] : [...group, leafElement('element', leaf)];
}

/** INT64 columns take bigints; lists of int64 are converted element by element. */
function toBigInts(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toBigInts);
  return typeof v === 'number' ? BigInt(v) : v;
}

function columnData(c: Column): ArrayLike<unknown> {
  if (c.type === 'int64') {
    const values = Array.from(c.values as ArrayLike<number | null>, (x) => (x === null ? null : BigInt(x)));
    return values.includes(null) ? values : BigInt64Array.from(values as bigint[]);
  }
  if (c.type === 'float32') return Float32Array.from(c.values as ArrayLike<number>);
  if (c.type === 'float64') return Float64Array.from(c.values as ArrayLike<number>);
  if (c.type === 'list' && c.leaf === 'int64') return c.values.map(toBigInts);
  return Array.from(c.values);
}

export function writeParquet(columns: readonly Column[], kvMetadata?: Record<string, string>): Uint8Array {
  const rows = columns[0]?.values.length ?? 0;
  for (const c of columns) {
    if (c.values.length !== rows) throw new Error(`parquet column ${c.name} has ${c.values.length} rows, expected ${rows}`);
  }
  const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }];
  for (const c of columns) {
    if (c.type === 'list') schema.push(...listElements(c.name, c.leaf, c.depth));
    else if (c.type === 'image') {
      schema.push(
        { name: c.name, repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      );
    } else schema.push(leafElement(c.name, c.type));
  }
  const buffer = parquetWriteBuffer({
    schema,
    columnData: columns.map((c) => ({ name: c.name, data: columnData(c) as never })),
    // One row group per file: our files are small, and readers then see one contiguous table.
    rowGroupSize: Math.max(rows, 1),
    kvMetadata: kvMetadata ? Object.entries(kvMetadata).map(([key, value]) => ({ key, value })) : undefined,
    createdBy: 'webvla (hyparquet-writer)',
  });
  return new Uint8Array(buffer);
}
