import { errorMessage } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import { embed, SENTENCE_MODEL_ID } from '../../models/sentence/index.js';
import type { ModelStore } from '../../models/store.js';
import type { SentenceEmbedder } from '../intents/types.js';

/*
 * The USE-lite sentence embedder (models/sentence) for the intent classifier.
 * Optional: when its model cannot be loaded the rule grammar alone decides, and
 * the log says why and what to run.
 */

const log = logger('mnemo:voice');

export async function loadSentenceEmbedder(store: ModelStore): Promise<SentenceEmbedder | undefined> {
  try {
    await embed(['warm up'], store);
    return { modelId: SENTENCE_MODEL_ID, embed: (texts) => embed(texts, store) };
  } catch (err) {
    log.warn(
      { reason: errorMessage(err), fix: `mnemo models pull ${SENTENCE_MODEL_ID}` },
      'sentence embeddings did not load: intents by rules only',
    );
    return undefined;
  }
}
