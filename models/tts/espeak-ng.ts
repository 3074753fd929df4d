import { resample } from './resample.js';
import { runProcess } from './run-process.js';
import type { SynthesizeOptions, TextToSpeech } from './types.js';
import { TTS_SAMPLE_RATE } from './types.js';
import { decodeWav16 } from './wav.js';

/*
 * eSpeak NG (Debian `espeak-ng`, GPL-3.0, run as a separate program so mnemo does not
 * link it): small, fast, and the one engine here that speaks Mandarin (`cmn`) and
 * ~100 other languages. The text goes in on stdin, never as an argument, so a text
 * that starts with "-" is not an option; SSML is off unless asked for (-m is not passed).
 * It prints 22.05 kHz WAV, resampled here to 16 kHz.
 */

const FIX = 'install eSpeak NG: `apt-get install espeak-ng` (voices: `espeak-ng --voices`)';

export class EspeakNgTts implements TextToSpeech {
  readonly engine = 'espeak-ng' as const;
  private loaded = false;

  constructor(
    readonly voice: string = 'en-us',
    private readonly binary = 'espeak-ng',
  ) {}

  async load(): Promise<void> {
    if (this.loaded) return;
    // Synthesising a blank checks both the program and the voice in one 10 ms call.
    await this.run(' ');
    this.loaded = true;
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<Int16Array> {
    await this.load();
    const wav = await this.run(text, options.signal);
    const { rate, samples } = decodeWav16(wav, 'espeak-ng');
    return resample(samples, rate, TTS_SAMPLE_RATE);
  }

  async dispose(): Promise<void> {}

  private run(text: string, signal?: AbortSignal): Promise<Buffer> {
    return runProcess(this.binary, ['-v', this.voice, '-b', '1', '--stdin', '--stdout'], text, {
      signal,
      engine: 'espeak-ng',
      fix: FIX,
    });
  }
}
