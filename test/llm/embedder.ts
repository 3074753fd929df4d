import type { Embed } from '../../device/personal/evidence.js';
import { embed } from '../../models/sentence/index.js';

/** The voice helpers' USE-lite sentence embedder (`models/sentence/`), loaded once per test file. */
let cached: Promise<Embed> | undefined;
export function sentenceEmbedder(): Promise<Embed> {
  cached ??= embed(['warm up']).then(() => (texts: string[]) => embed(texts));
  return cached;
}
