/**
 * The built-in models' tokenizer: a WordPiece vocabulary of exactly the words the instruction parser knows
 * (every other word maps to [UNK]), in Hugging Face's tokenizer.json format so @huggingface/tokenizers and
 * transformers load it like any other. Usage: tsx training/makeTokenizer.ts OUT_DIR [MAX_LENGTH]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VOCABULARY } from '../src/sim/instructions';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

export function tokenizerFiles(maxLength: number): { tokenizer: object; config: object; vocab: string[] } {
  const vocab = [...SPECIAL_TOKENS, ...[...new Set(VOCABULARY)].sort()];
  const ids = Object.fromEntries(vocab.map((t, i) => [t, i]));
  const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((t, i) => ({ id: i, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, special('[SEP]')],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[UNK]',
  };
  return { tokenizer, config, vocab };
}

if (process.argv[1]?.endsWith('makeTokenizer.ts')) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx training/makeTokenizer.ts OUT_DIR [MAX_LENGTH]');
  const { tokenizer, config } = tokenizerFiles(Number(process.argv[3] ?? 16));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'tokenizer.json'), `${JSON.stringify(tokenizer, null, 1)}\n`);
  writeFileSync(join(out, 'tokenizer_config.json'), `${JSON.stringify(config, null, 1)}\n`);
  console.log(`tokenizer written to ${out}`);
}
