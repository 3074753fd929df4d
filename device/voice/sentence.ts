import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { ModelStore } from '../../models/store.js';
import type { SentenceEmbedder } from '../intents/types.js';

/*
 * The USE-lite sentence embedder (models/sentence) for the intent classifier.
 * Optional: without it the rule grammar alone decides, and the log says why.
 */

const log = logger('mnemo:voice');

export async function loadSentenceEmbedder(store: ModelStore): Promise<SentenceEmbedder | undefined> {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const url = new URL(`../../models/sentence/index.${ext}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    log.info('sentence embeddings not built in: intents by rules only');
    return undefined;
  }
  try {
    const mod = (await import(url.href)) as Record<string, unknown>;
    const embed = mod.embed as ((texts: string[], store?: ModelStore) => Promise<ArrayLike<number>[]>) | undefined;
    if (typeof embed !== 'function') return undefined;
    return { modelId: 'use-lite-512', embed: (texts) => embed(texts, store) };
  } catch (err) {
    log.warn({ reason: errorMessage(err) }, 'sentence embeddings did not load: intents by rules only');
    return undefined;
  }
}
