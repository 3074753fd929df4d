import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage, isMnemoError, MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { ModelStore } from '../store.js';
import type { SpeechToText, Transcript } from './types.js';

const log = logger('mnemo:stt');

type Asr = (audio: Float32Array, opts: Record<string, unknown>) => Promise<{ text: string } | Array<{ text: string }>>;

export interface WhisperOptions {
  modelId: string;
  store: ModelStore;
  /** 'en', 'zh', ...: passed to multilingual models; English-only models ignore it. */
  language: string;
  reason?: string;
}

/** The one error a wearer sees when Whisper is not on the device: what is missing and the command that gets it. */
export function whisperMissing(modelId: string, cause?: unknown): MnemoError {
  const file = isMnemoError(cause) ? (cause.details?.file as string | undefined) : undefined;
  return new MnemoError('model-missing', `the Whisper model ${modelId} is not on this device${file ? ` (no ${file})` : ''}`, {
    cause,
    fix: `on a device with internet run \`mnemo models pull ${modelId} --trust-unpinned\` (hub files have no pinned sha256 yet), or \`mnemo models add-local DIR\` for a folder you have; until then voice.stt: auto uses PocketSphinx`,
    details: { model: modelId, file },
  });
}

/**
 * Whisper through @huggingface/transformers, from a verified local folder only
 * (`env.allowRemoteModels = false`): `<models.dir>/<id>/{config.json, ...,
 * onnx/encoder_model_quantized.onnx, onnx/decoder_model_merged_quantized.onnx}`
 * loaded with dtype q8. Whisper has no calibrated confidence; the average token
 * probability would need the raw generate() scores, so a non-empty transcript
 * reports a fixed 0.9 and an empty one 0.
 */
export class WhisperStt implements SpeechToText {
  readonly engine = 'whisper';
  readonly reason?: string;
  private asr: Asr | undefined;
  private multilingual = true;

  constructor(private readonly opts: WhisperOptions) {
    this.reason = opts.reason;
  }

  /** The verified model folder; throws `model-missing` naming the pull command. */
  async folder(): Promise<string> {
    try {
      const paths = await this.opts.store.require(this.opts.modelId);
      return dirname(paths[0] as string);
    } catch (err) {
      if (isMnemoError(err, 'model-missing') || isMnemoError(err, 'model-unknown')) throw whisperMissing(this.opts.modelId, err);
      throw err;
    }
  }

  async load(): Promise<void> {
    if (this.asr) return;
    const folder = await this.folder();
    const t0 = performance.now();
    try {
      const tf = await import('@huggingface/transformers');
      tf.env.allowRemoteModels = false;
      tf.env.allowLocalModels = true;
      // transformers.js resolves `<localModelPath>/<id>/...`.
      tf.env.localModelPath = `${dirname(folder)}/`;
      const id = folder.slice(dirname(folder).length + 1);
      this.asr = (await tf.pipeline('automatic-speech-recognition', id, { dtype: 'q8', local_files_only: true })) as unknown as Asr;
      // English-only exports (tiny.en) refuse `language`/`task`; their generation config says which they are.
      const gen = JSON.parse(readFileSync(join(folder, 'generation_config.json'), 'utf8')) as { is_multilingual?: boolean };
      this.multilingual = gen.is_multilingual ?? !this.opts.modelId.endsWith('-en');
    } catch (cause) {
      throw new MnemoError('stt-failed', `Whisper ${this.opts.modelId} did not load: ${errorMessage(cause)}`, {
        cause,
        fix: `run \`mnemo models verify\`; re-pull with \`mnemo models pull ${this.opts.modelId} --trust-unpinned\``,
      });
    }
    log.debug({ model: this.opts.modelId, ms: Math.round(performance.now() - t0) }, 'whisper loaded');
  }

  async transcribe(pcm: Int16Array, opts: { signal?: AbortSignal } = {}): Promise<Transcript> {
    if (!this.asr) throw new MnemoError('stt-failed', 'Whisper used before load()');
    if (opts.signal?.aborted) throw new MnemoError('aborted', 'speech to text was cancelled');
    const t0 = performance.now();
    const audio = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) audio[i] = (pcm[i] as number) / 32768;
    const gen: Record<string, unknown> = { return_timestamps: false, chunk_length_s: 30 };
    if (this.multilingual) Object.assign(gen, { language: this.opts.language, task: 'transcribe' });
    let out: { text: string } | Array<{ text: string }>;
    try {
      out = await this.asr(audio, gen);
    } catch (cause) {
      throw new MnemoError('stt-failed', `Whisper failed: ${errorMessage(cause)}`, { cause });
    }
    if (opts.signal?.aborted) throw new MnemoError('aborted', 'speech to text was cancelled');
    const text = (Array.isArray(out) ? out.map((o) => o.text).join(' ') : out.text).trim();
    return { text, confidence: text ? 0.9 : 0, engine: this.engine, mode: 'whisper', elapsedMs: Math.round(performance.now() - t0) };
  }

  async dispose(): Promise<void> {
    const asr = this.asr as unknown as { dispose?: () => Promise<void> } | undefined;
    this.asr = undefined;
    await asr?.dispose?.();
  }
}
