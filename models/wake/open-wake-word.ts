import * as ort from 'onnxruntime-node';
import { MnemoError } from '../../config/errors.js';
import type { ModelStore } from '../store.js';

/*
 * openWakeWord on onnxruntime-node: the same three-stage stream as its Python
 * reference. Every 80 ms (1280 samples):
 *  1. melspectrogram.onnx on the last 1280 + 3*160 samples (int16-scaled floats)
 *     -> new 32-bin mel frames, transformed x/10 + 2 as the reference does;
 *  2. embedding_model.onnx on the last 76 mel frames -> one 96-d embedding;
 *  3. the wake model (hey_jarvis_v0.1.onnx) on the last 16 embeddings -> score.
 * The wake models are CC BY-NC-SA 4.0 (non-commercial): the runtime only loads
 * them when `voice.wakeWord.enabled` is set, and the README says so.
 */

export const MODEL_ID = 'openwakeword';
const CHUNK = 1280;
const MEL_CONTEXT = 160 * 3;
const MEL_WINDOW = 76;
const EMBED_WINDOW = 16;
const MAX_MEL = 10 * 97; // ~10 s of frames kept
const opts = { intraOpNumThreads: 1, interOpNumThreads: 1 };

export interface WakeScore {
  score: number;
  /** Sample offset (in what was pushed) at the end of the scored chunk. */
  sample: number;
}

export class OpenWakeWord {
  private raw = new Float32Array(0);
  private pending = new Float32Array(0);
  private mel: Float32Array[] = [];
  private embeddings: Float32Array[] = [];
  private fed = 0;

  private constructor(
    readonly model: string,
    private readonly melspec: ort.InferenceSession,
    private readonly embedder: ort.InferenceSession,
    private readonly wake: ort.InferenceSession,
  ) {}

  /** `model`: a wake model name in the entry, e.g. 'hey_jarvis' (file models/hey_jarvis_v0.1.onnx). */
  static async load(store: ModelStore, model = 'hey_jarvis'): Promise<OpenWakeWord> {
    const paths = await store.require(MODEL_ID);
    const find = (name: string) => paths.find((p) => p.endsWith(`/${name}`));
    const wakeFile = paths.find((p) => new RegExp(`/${model}_v[0-9.]+\\.onnx$`).test(p));
    if (!wakeFile) {
      const known = paths
        .map((p) =>
          p
            .split('/')
            .pop()
            ?.replace(/_v[0-9.]+\.onnx$/, ''),
        )
        .filter((n) => n && !/melspectrogram|embedding/.test(n));
      throw new MnemoError('invalid-argument', `no wake model "${model}"`, {
        fix: `set voice.wakeWord.model to one of ${known.join(', ')}`,
      });
    }
    const [m, e, w] = await Promise.all([
      ort.InferenceSession.create(find('melspectrogram.onnx') as string, opts),
      ort.InferenceSession.create(find('embedding_model.onnx') as string, opts),
      ort.InferenceSession.create(wakeFile, opts),
    ]);
    return new OpenWakeWord(model, m, e, w);
  }

  reset(): void {
    this.raw = new Float32Array(0);
    this.pending = new Float32Array(0);
    this.mel = [];
    this.embeddings = [];
  }

  /** Feeds 16 kHz PCM; returns one score per completed 80 ms step. */
  async push(pcm: Int16Array): Promise<WakeScore[]> {
    const scores: WakeScore[] = [];
    const next = new Float32Array(this.pending.length + pcm.length);
    next.set(this.pending);
    for (let i = 0; i < pcm.length; i++) next[this.pending.length + i] = pcm[i] as number;
    let at = 0;
    for (; at + CHUNK <= next.length; at += CHUNK) {
      const score = await this.step(next.subarray(at, at + CHUNK));
      this.fed += CHUNK;
      if (score !== undefined) scores.push({ score, sample: this.fed });
    }
    this.pending = next.slice(at);
    return scores;
  }

  private async step(chunk: Float32Array): Promise<number | undefined> {
    const raw = new Float32Array(Math.min(this.raw.length + CHUNK, CHUNK + MEL_CONTEXT));
    const keep = raw.length - CHUNK;
    raw.set(this.raw.subarray(this.raw.length - keep));
    raw.set(chunk, keep);
    this.raw = raw;
    const melOut = (await this.melspec.run({ input: new ort.Tensor('float32', raw.slice(), [1, raw.length]) })).output as ort.Tensor;
    const frames = melOut.dims[2] as number;
    const data = melOut.data as Float32Array;
    // Only the frames this chunk added (the context re-produces earlier ones).
    const fresh = Math.min(frames, CHUNK / 160);
    for (let f = frames - fresh; f < frames; f++) {
      const row = new Float32Array(32);
      for (let b = 0; b < 32; b++) row[b] = (data[f * 32 + b] as number) / 10 + 2;
      this.mel.push(row);
    }
    if (this.mel.length > MAX_MEL) this.mel.splice(0, this.mel.length - MAX_MEL);
    if (this.mel.length < MEL_WINDOW) return undefined;
    const window = new Float32Array(MEL_WINDOW * 32);
    this.mel.slice(-MEL_WINDOW).forEach((row, i) => {
      window.set(row, i * 32);
    });
    const embOut = await this.embedder.run({ input_1: new ort.Tensor('float32', window, [1, MEL_WINDOW, 32, 1]) });
    this.embeddings.push(new Float32Array((Object.values(embOut)[0] as ort.Tensor).data as Float32Array));
    if (this.embeddings.length > EMBED_WINDOW) this.embeddings.shift();
    if (this.embeddings.length < EMBED_WINDOW) return undefined;
    const feats = new Float32Array(EMBED_WINDOW * 96);
    this.embeddings.forEach((e, i) => {
      feats.set(e, i * 96);
    });
    const input = this.wake.inputNames[0] as string;
    const out = await this.wake.run({ [input]: new ort.Tensor('float32', feats, [1, EMBED_WINDOW, 96]) });
    return ((Object.values(out)[0] as ort.Tensor).data as Float32Array)[0] as number;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.melspec.release(), this.embedder.release(), this.wake.release()]);
  }
}
