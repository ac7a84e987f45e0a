/** Model files from a folder on disk (Node only: tests and command-line tools). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFileError, type ModelSource } from './source';

export class FsModelSource implements ModelSource {
  constructor(readonly label: string) {}

  async read(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(join(this.label, path)));
    } catch {
      throw new ModelFileError(`${path} is missing from ${this.label}`);
    }
  }
}
