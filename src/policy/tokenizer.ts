/**
 * Instruction tokenizer through @huggingface/transformers' AutoTokenizer, loaded from the model folder with
 * remote models disabled: its file requests are answered from our ModelSource through transformers.js's
 * custom-cache hook, so no request leaves the page and dropped folders work the same as URLs.
 */
import { AutoTokenizer, env } from '@huggingface/transformers';
import { ModelFileError, type ModelSource } from './source';

/** Virtual folder under which transformers.js asks for files; never fetched. */
const VIRTUAL_ROOT = '/__webvla_tokenizers__/';
const sources = new Map<string, { source: ModelSource; folder: string }>();
let nextId = 0;

env.allowRemoteModels = false;
// Local models on, but the custom cache answers first; a miss would only look on our own origin.
env.allowLocalModels = true;
env.useBrowserCache = false;
env.useFSCache = false;
env.useCustomCache = true;
env.localModelPath = VIRTUAL_ROOT;
env.customCache = {
  async match(request: string | Request): Promise<Response | undefined> {
    const key = typeof request === 'string' ? request : request.url;
    const i = key.indexOf(VIRTUAL_ROOT);
    if (i < 0) return undefined;
    const [id, ...rest] = key.slice(i + VIRTUAL_ROOT.length).split('/');
    const entry = sources.get(id);
    if (!entry) return undefined;
    try {
      const bytes = await entry.source.read(`${entry.folder}/${rest.join('/')}`);
      return new Response(bytes.slice().buffer as ArrayBuffer, { headers: { 'content-type': 'application/json' } });
    } catch {
      return undefined;
    }
  },
  async put(): Promise<void> {},
};

export interface Tokens {
  ids: number[];
  mask: number[];
}

export interface InstructionTokenizer {
  encode(text: string): Tokens;
}

export async function loadTokenizer(source: ModelSource, folder: string, maxLength: number): Promise<InstructionTokenizer> {
  // Check the two files first, so a missing tokenizer gets a message that names the file.
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) await source.read(`${folder}/${f}`);
  const id = `m${nextId++}`;
  sources.set(id, { source, folder });
  let tok: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;
  try {
    tok = await AutoTokenizer.from_pretrained(id);
  } catch (e) {
    throw new ModelFileError(`the tokenizer (${folder}/ in ${source.label}) could not be loaded (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    sources.delete(id);
  }
  const cache = new Map<string, Tokens>();
  return {
    encode(text: string): Tokens {
      const hit = cache.get(text);
      if (hit) return hit;
      const enc = tok(text, { padding: 'max_length', truncation: true, max_length: maxLength }) as {
        input_ids: { tolist(): (bigint | number)[][] };
        attention_mask: { tolist(): (bigint | number)[][] };
      };
      const out = { ids: enc.input_ids.tolist()[0].map(Number), mask: enc.attention_mask.tolist()[0].map(Number) };
      if (cache.size > 64) cache.clear();
      cache.set(text, out);
      return out;
    },
  };
}
