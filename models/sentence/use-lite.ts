import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage, MnemoError } from '../../config/errors.js';
import type { ModelStore } from '../store.js';

/*
 * Universal Sentence Encoder lite (512-d) through @energetic-ai/embeddings,
 * whose tokenizer and tfjs graph runner we reuse; only the model source is
 * ours: the verified `use-lite-512` folder instead of the package's own copy,
 * so the manifest's sha256 covers what runs.
 */

export const MODEL_ID = 'use-lite-512';

interface EnergeticModel {
  embed(input: string[]): Promise<number[][]>;
}

export class UseLiteEmbedder {
  readonly modelId = MODEL_ID;
  private constructor(private readonly model: EnergeticModel) {}

  static async load(store: ModelStore): Promise<UseLiteEmbedder> {
    const paths = await store.require(MODEL_ID);
    const modelJson = paths.find((p) => p.endsWith('/model.json')) as string;
    const vocabJson = paths.find((p) => p.endsWith('/vocab.json')) as string;
    try {
      const [{ initModel }, core, { readFile }] = await Promise.all([
        import('@energetic-ai/embeddings'),
        import('@energetic-ai/core'),
        import('node:fs/promises'),
      ]);
      const model = await initModel(async () => {
        const [graph, vocabulary] = await Promise.all([
          core.loadGraphModel(pathToFileURL(modelJson).href),
          readFile(vocabJson, 'utf8').then((t) => JSON.parse(t)),
        ]);
        return { model: graph, vocabulary };
      });
      return new UseLiteEmbedder(model as unknown as EnergeticModel);
    } catch (cause) {
      throw new MnemoError('model-hash-mismatch', `USE lite did not load from ${dirname(modelJson)}: ${errorMessage(cause)}`, {
        cause,
        fix: `run \`mnemo models verify\` and \`mnemo models pull ${MODEL_ID}\``,
      });
    }
  }

  /** One 512-d vector per text (empty input, empty output). */
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!texts.length) return [];
    const out = await this.model.embed(texts.map((t) => t || ' '));
    return out.map((v) => Float32Array.from(v));
  }
}
