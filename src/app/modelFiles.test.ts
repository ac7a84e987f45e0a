import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { modelFilesFromEntries, modelFilesFromZip } from './modelFiles';

const b = (s: string) => new TextEncoder().encode(s);

describe('dropped model folders', () => {
  it('keys files by their path inside the folder that holds policy.json', () => {
    const files = modelFilesFromEntries(
      [
        ['my-model/policy.json', b('{}')],
        ['my-model/model.onnx', b('x')],
        ['my-model/tokenizer/tokenizer.json', b('t')],
        ['README.md', b('outside')],
      ],
      'my-model',
    );
    expect(Object.keys(files).sort()).toEqual(['model.onnx', 'policy.json', 'tokenizer/tokenizer.json']);
  });

  it('unzips a zip of a model folder, and says what is wrong with one that is not', () => {
    const zip = zipSync({ 'm/policy.json': b('{}'), 'm/model.onnx': b('x'), 'm/nested/policy.json': b('{}') });
    expect(Object.keys(modelFilesFromZip(zip, 'm.zip')).sort()).toEqual(['model.onnx', 'nested/policy.json', 'policy.json']);
    expect(() => modelFilesFromZip(zipSync({ 'a.txt': b('a') }), 'a.zip')).toThrow(/a.zip holds no policy.json/);
    expect(() => modelFilesFromZip(b('not a zip at all'), 'x.zip')).toThrow(/x.zip could not be opened: not a zip archive/);
    expect(() => modelFilesFromZip(zip.slice(0, zip.length - 30), 'cut.zip')).toThrow(/cut.zip could not be opened/);
  });
});
