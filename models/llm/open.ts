import { dirname } from 'node:path';
import { isMnemoError, MnemoError } from '../../config/errors.js';
import { isPinned, type ModelEntry } from '../manifest.js';
import type { ModelStore } from '../store.js';
import { dtypeOf } from './catalog.js';
import { LlmWorker, type LlmWorkerOptions } from './generator.js';

export type LlmAvailability =
  | { ok: true; entry: ModelEntry; folder: string; dtype: LlmWorkerOptions['dtype'] }
  | { ok: false; modelId: string; code: string; message: string; fix: string };

/** The files transformers.js needs in a text-generation folder, besides one onnx/model*.onnx. */
export const REQUIRED_LLM_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/**
 * Is the configured model there and intact? Never throws: the personal model asks
 * this at start and, when it is not, says what is missing and the command that gets it.
 */
export async function llmAvailability(store: ModelStore, modelId: string): Promise<LlmAvailability> {
  try {
    const entry = store.entry(modelId);
    if (entry.task !== 'text-generation') {
      throw new MnemoError('invalid-argument', `model ${modelId} is a ${entry.task} model, not text-generation`, {
        fix: 'set llm.model to a text-generation id from `mnemo models list`',
      });
    }
    const paths = await store.require(modelId);
    const rel = entry.files.map((f) => f.path);
    const configAt = rel.indexOf('config.json');
    const missing = REQUIRED_LLM_FILES.filter((f) => !rel.includes(f));
    if (configAt < 0 || missing.length || !rel.some((f) => /^onnx\/model[^/]*\.onnx$/.test(f))) {
      throw new MnemoError('model-missing', `model ${modelId} lacks ${[...missing, 'onnx/model*.onnx'].join(', ')}`, {
        fix: 'a text-generation folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model*.onnx',
      });
    }
    return { ok: true, entry, folder: dirname(paths[configAt] as string), dtype: dtypeOf(rel) };
  } catch (err) {
    if (!isMnemoError(err)) throw err;
    let fix = err.fix ?? `run \`mnemo models pull ${modelId}\``;
    const entry = store.entries().find((e) => e.id === modelId);
    if (entry && !isPinned(entry) && err.code === 'model-missing') {
      fix = `on a device with internet: \`mnemo models pull ${modelId} --trust-unpinned\` (its hub files have no pinned sha256 yet; compare the printed hashes with the hub), or \`mnemo models add-local DIR\` for a folder you have`;
    }
    return { ok: false, modelId, code: err.code, message: err.message, fix };
  }
}

/** A verified, not yet loaded generator for `modelId`; throws the store's error when it is missing. */
export async function openLlm(
  store: ModelStore,
  modelId: string,
  opts: Omit<LlmWorkerOptions, 'modelId' | 'folder' | 'dtype'> = {},
): Promise<LlmWorker> {
  const a = await llmAvailability(store, modelId);
  if (!a.ok) throw new MnemoError(a.code as 'model-missing', a.message, { fix: a.fix, details: { model: modelId } });
  return new LlmWorker({ ...opts, modelId, folder: a.folder, dtype: a.dtype });
}
