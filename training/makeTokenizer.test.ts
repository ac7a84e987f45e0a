import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsModelSource } from '../src/policy/fsSource';
import { loadTokenizer } from '../src/policy/tokenizer';
import { describeTask, generateEpisode, TASK_FAMILIES, TEMPLATES } from '../src/sim/tasks';
import { tokenizerFiles } from './makeTokenizer';

describe('built-in tokenizer', () => {
  it('knows every word of every supported instruction, and nothing maps to [UNK]', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webvla-tok-'));
    const { tokenizer, config, vocab } = tokenizerFiles(16);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    const tok = await loadTokenizer(new FsModelSource(dir), '.', 16);
    for (let seed = 0; seed < 20; seed++) {
      for (const family of TASK_FAMILIES) {
        const ep = generateEpisode(seed, family);
        for (let k = 0; k < TEMPLATES[family].length; k++) {
          const text = describeTask(ep.task, ep.scene, k);
          const { ids, mask } = tok.encode(text);
          const words = text.split(' ');
          expect(ids.slice(1, words.length + 1).map((i) => vocab[i])).toEqual(words);
          expect(ids).not.toContain(1);
          expect(mask.filter((m) => m === 1).length).toBe(words.length + 2);
        }
      }
    }
    expect(tok.encode('juggle the red cube').ids.slice(0, 3)).toEqual([2, 1, vocab.indexOf('the')]);
  });
});
