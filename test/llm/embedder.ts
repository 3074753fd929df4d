import { existsSync } from 'node:fs';
import type { Embed } from '../../device/personal/evidence.js';

/**
 * The voice helpers' USE-lite sentence embedder (`models/sentence/`), loaded once per
 * test file; undefined while that module is not in the tree.
 */
let cached: Promise<Embed | undefined> | undefined;
export function sentenceEmbedder(): Promise<Embed | undefined> {
  cached ??= (async () => {
    const url = new URL('../../models/sentence/index.ts', import.meta.url);
    if (!existsSync(url)) return undefined;
    const mod = (await import(url.href)) as Record<string, unknown>;
    return mod.embed as Embed | undefined;
  })();
  return cached;
}
