import { MnemoError } from '../../config/errors.js';
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
    // eSpeak falls back to its default voice (exit code 0) when a voice does not exist,
    // so the name is checked against its own list: a language, a voice name or a file,
    // optionally with a +variant ("en-us+f3").
    const list = (await runProcess(this.binary, ['--voices'], '', { engine: 'espeak-ng', fix: FIX })).toString('utf8');
    const wanted = (this.voice.split('+')[0] as string).toLowerCase();
    if (!espeakVoiceNames(list).has(wanted)) {
      throw new MnemoError('tts-failed', `espeak-ng has no voice "${this.voice}"`, {
        fix: 'pick one from `espeak-ng --voices` (e.g. en-us, cmn) for speech.voice',
        details: { engine: 'espeak-ng', voice: this.voice },
      });
    }
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

/** Every name `-v` accepts, from `espeak-ng --voices`: languages, voice names, files, other languages. */
export function espeakVoiceNames(list: string): Set<string> {
  const names = new Set<string>();
  for (const line of list.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, language, , voiceName, file, ...others] = cols as string[];
    for (const n of [language, voiceName, file, file?.split('/').pop()]) if (n) names.add(n.toLowerCase());
    for (const o of others) {
      const m = /^\(([^\s)]+)/.exec(o);
      if (m) names.add((m[1] as string).toLowerCase());
    }
  }
  return names;
}
