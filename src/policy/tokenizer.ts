/**
 * Instruction tokenizer from the model folder's tokenizer.json + tokenizer_config.json, through
 * @huggingface/tokenizers: the tokenizer engine of @huggingface/transformers, without the second copy of
 * onnxruntime-web that transformers bundles (two ORT copies in one worker deadlock its WASM threads, and
 * add a 28 MB wasm to the build). A unit test checks it against transformers' AutoTokenizer, id for id.
 * Padding and truncation follow transformers' `padding: 'max_length', truncation: true`.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { ModelFileError, type ModelSource, readJson } from './source';

export interface Tokens {
  ids: number[];
  mask: number[];
}

export interface InstructionTokenizer {
  encode(text: string): Tokens;
}

interface TokenizerConfig {
  pad_token?: string | { content: string };
}

function tokenName(t: string | { content: string } | undefined): string | undefined {
  return typeof t === 'string' ? t : t?.content;
}

export async function loadTokenizer(source: ModelSource, folder: string, maxLength: number): Promise<InstructionTokenizer> {
  const json = await readJson(source, `${folder}/tokenizer.json`);
  const config = (await readJson(source, `${folder}/tokenizer_config.json`)) as TokenizerConfig;
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json as object, config as object);
  } catch (e) {
    throw new ModelFileError(`the tokenizer in ${folder}/ (${source.label}) could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
  const id = (t: string | { content: string } | undefined): number | undefined => {
    const name = tokenName(t);
    return name === undefined ? undefined : tok.token_to_id(name);
  };
  const pad = id(config.pad_token) ?? 0;
  const cache = new Map<string, Tokens>();

  return {
    encode(text: string): Tokens {
      const hit = cache.get(text);
      if (hit) return hit;
      // transformers.js truncates the finished sequence (special tokens included) to max_length.
      const ids = tok.encode(text).ids.map(Number).slice(0, maxLength);
      const mask = ids.map(() => 1);
      while (ids.length < maxLength) {
        ids.push(pad);
        mask.push(0);
      }
      const out = { ids, mask };
      if (cache.size > 64) cache.clear();
      cache.set(text, out);
      return out;
    },
  };
}
