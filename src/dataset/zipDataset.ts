/**
 * Dataset files ↔ one zip for download and upload. MP4 and PNG-bearing parquet are already compressed,
 * so they are stored as they are; JSON and small tables are deflated.
 */
import { type Unzipped, unzipSync, type ZipOptions, zipSync } from 'fflate';

export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** Files already compressed by their own format gain nothing from deflate. */
function levelFor(path: string): ZipOptions['level'] {
  return /\.(mp4|png|jpe?g|webp)$/i.test(path) ? 0 : 6;
}

/** Fixed timestamp so the same dataset always zips to the same bytes. */
const ZIP_MTIME = new Date(Date.UTC(2020, 0, 1));

export function zipDataset(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const entries: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const [path, bytes] of files) {
    if (path.startsWith('/') || path.split('/').includes('..')) throw new Error(`refusing to zip a path outside the dataset: ${path}`);
    entries[path] = [bytes, { level: levelFor(path), mtime: ZIP_MTIME }];
  }
  return zipSync(entries);
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);

/** Zip bytes → path → bytes. Folders are dropped; throws ZipFormatError for anything that is not a readable zip. */
export function unzipDataset(bytes: Uint8Array): Map<string, Uint8Array> {
  if (!isZip(bytes)) throw new ZipFormatError('not a zip archive (it does not start with a zip signature)');
  let entries: Unzipped;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new ZipFormatError(`the zip archive is truncated or corrupt (${(e as Error).message})`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, data] of Object.entries(entries)) {
    if (path.endsWith('/')) continue;
    files.set(path, data);
  }
  return files;
}
