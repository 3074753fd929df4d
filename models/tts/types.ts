/*
 * Speech synthesis behind one small interface: text in, 16 kHz mono signed 16-bit
 * PCM out, whatever the engine's own rate. Engines load lazily, synthesise one
 * sentence at a time (the caller splits and streams), and release their process,
 * worker or temp files on dispose().
 */

/** Every engine returns PCM at this rate; the glasses link sends nothing else. */
export const TTS_SAMPLE_RATE = 16_000;

export type TtsEngineName = 'flite' | 'espeak-ng' | 'say';

export interface SynthesizeOptions {
  signal?: AbortSignal;
}

export interface TextToSpeech {
  readonly engine: TtsEngineName;
  readonly voice: string;
  /** Checks the engine and voice are usable; throws `tts-failed` with a fix when not. Idempotent. */
  load(): Promise<void>;
  /** One sentence (or a short text) to 16 kHz mono s16 samples. */
  synthesize(text: string, options?: SynthesizeOptions): Promise<Int16Array>;
  dispose(): Promise<void>;
}
