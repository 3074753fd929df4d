import * as ort from 'onnxruntime-node';
import { errorMessage, MnemoError } from '../../config/errors.js';
import type { ModelStore } from '../store.js';

/*
 * Silero VAD v5 on onnxruntime-node. The v5 graph is stateful: each call takes a
 * 512-sample window at 16 kHz preceded by the last 64 samples of the previous one
 * (the "context" the reference Python wrapper keeps), plus the recurrent state
 * [2,1,128], and returns the speech probability and the next state.
 */

export const MODEL_ID = 'silero-vad-v5';
export const WINDOW = 512;
const CONTEXT = 64;
const RATE = 16000n;

/** What the utterance segmenter needs from a VAD (fakes implement it in tests). */
export interface SpeechProbability {
  readonly windowSamples: number;
  /** Probability 0..1 that the window (float -1..1, `windowSamples` long) is speech. */
  probability(window: Float32Array): Promise<number>;
  reset(): void;
}

export class SileroVad implements SpeechProbability {
  readonly windowSamples = WINDOW;
  private state = new Float32Array(2 * 128);
  private context = new Float32Array(CONTEXT);
  private readonly input = new Float32Array(CONTEXT + WINDOW);
  private readonly sr = new ort.Tensor('int64', BigInt64Array.from([RATE]), []);

  private constructor(private readonly session: ort.InferenceSession) {}

  static async load(store: ModelStore): Promise<SileroVad> {
    const [file] = await store.require(MODEL_ID);
    try {
      const session = await ort.InferenceSession.create(file as string, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      return new SileroVad(session);
    } catch (cause) {
      throw new MnemoError('model-hash-mismatch', `Silero VAD did not load: ${errorMessage(cause)}`, {
        cause,
        fix: `run \`mnemo models verify\` and \`mnemo models pull ${MODEL_ID}\``,
      });
    }
  }

  reset(): void {
    this.state = new Float32Array(2 * 128);
    this.context = new Float32Array(CONTEXT);
  }

  async probability(window: Float32Array): Promise<number> {
    if (window.length !== WINDOW)
      throw new MnemoError('invalid-argument', `Silero VAD takes ${WINDOW}-sample windows, got ${window.length}`);
    this.input.set(this.context, 0);
    this.input.set(window, CONTEXT);
    const out = await this.session.run({
      input: new ort.Tensor('float32', this.input.slice(), [1, CONTEXT + WINDOW]),
      state: new ort.Tensor('float32', this.state, [2, 1, 128]),
      sr: this.sr,
    });
    this.state = new Float32Array((out.stateN as ort.Tensor).data as Float32Array);
    this.context = window.slice(WINDOW - CONTEXT);
    return ((out.output as ort.Tensor).data as Float32Array)[0] as number;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
