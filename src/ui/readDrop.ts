/** The files of a drop (a folder, a zip, or loose files) as path → bytes, using the File System entries API. */

interface Entry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (es: Entry[]) => void, fail: (e: unknown) => void): void };
}

async function walk(entry: Entry, out: [string, Uint8Array][]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file?.(ok, fail));
    out.push([entry.fullPath.replace(/^\//, ''), new Uint8Array(await file.arrayBuffer())]);
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries returns a batch at a time: keep asking until it returns none.
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, out);
    }
  }
}

export async function readDrop(data: DataTransfer): Promise<{ label: string; entries: [string, Uint8Array][]; zip: Uint8Array | null }> {
  const items = [...data.items].filter((i) => i.kind === 'file');
  const entries = items.map((i) => (i as DataTransferItem & { webkitGetAsEntry?(): Entry | null }).webkitGetAsEntry?.() ?? null);
  const first = data.files[0];
  if (items.length === 1 && first && /\.zip$/i.test(first.name)) {
    return { label: first.name, entries: [], zip: new Uint8Array(await first.arrayBuffer()) };
  }
  const out: [string, Uint8Array][] = [];
  for (const e of entries) if (e) await walk(e, out);
  const label = entries.find((e) => e?.isDirectory)?.name ?? first?.name ?? 'dropped files';
  return { label, entries: out, zip: null };
}
