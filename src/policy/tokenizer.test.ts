import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { FsModelSource } from './fsSource';
import { loadTokenizer } from './tokenizer';

const FOLDER = join(__dirname, 'fixtures', 'tiny-regression');

describe('instruction tokenizer', () => {
  it("gives exactly the ids of transformers' AutoTokenizer (padding to max_length, truncation)", async () => {
    env.allowRemoteModels = false;
    env.localModelPath = FOLDER;
    const reference = await AutoTokenizer.from_pretrained('tokenizer');
    const ours = await loadTokenizer(new FsModelSource(FOLDER), 'tokenizer', 12);
    for (const text of [
      'Put the red cube in the blue bowl',
      'pick up the green cylinder',
      'PUSH the blue cube to the LEFT!',
      'zorp the red',
      '',
      'stack the red cube on the green cube on the blue cube on the red cylinder please now',
    ]) {
      const r = reference(text, { padding: 'max_length', truncation: true, max_length: 12 }) as unknown as {
        input_ids: { tolist(): bigint[][] };
        attention_mask: { tolist(): bigint[][] };
      };
      expect(ours.encode(text), text).toEqual({ ids: r.input_ids.tolist()[0].map(Number), mask: r.attention_mask.tolist()[0].map(Number) });
    }
  });

  it('names a missing tokenizer file', async () => {
    await expect(loadTokenizer(new FsModelSource(FOLDER), 'no-tokenizer', 12)).rejects.toThrow(/no-tokenizer\/tokenizer.json is missing/);
  });
});
