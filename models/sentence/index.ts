import { defaultConfig } from '../../config/schema.js';
import { ModelStore } from '../store.js';
import { UseLiteEmbedder } from './use-lite.js';

export { MODEL_ID as SENTENCE_MODEL_ID, UseLiteEmbedder } from './use-lite.js';

const loaded = new Map<string, Promise<UseLiteEmbedder>>();

/**
 * Embeds texts with USE lite, loading it once per models folder (the default
 * folder when no store is given). The device's intent classifier and the personal
 * model's retrieval call this.
 */
export async function embed(texts: string[], store?: ModelStore): Promise<Float32Array[]> {
  const s = store ?? new ModelStore(defaultConfig().models.dir);
  let model = loaded.get(s.dir);
  if (!model) {
    model = UseLiteEmbedder.load(s);
    loaded.set(s.dir, model);
    model.catch(() => loaded.delete(s.dir));
  }
  return (await model).embed(texts);
}
