import type { Config } from '../../config/schema.js';
import { EspeakNgTts } from './espeak-ng.js';
import { FliteTts } from './flite.js';
import { SayTts } from './say.js';
import type { TextToSpeech, TtsEngineName } from './types.js';

export { BoneConductionFilter } from './bone-conduction.js';
export { escapeFestivalString } from './festival-escape.js';
export { splitSentences, truncateText } from './sentences.js';
export { type TextToSpeech, TTS_SAMPLE_RATE, type TtsEngineName } from './types.js';

/** Each engine's voice when `speech.voice` is unset (kal16: Flite's native 16 kHz voice). */
export const DEFAULT_VOICES: Record<TtsEngineName, string> = { flite: 'kal16', 'espeak-ng': 'en-us', say: 'kal_diphone' };

export function createTextToSpeech(engine: TtsEngineName, voice?: string): TextToSpeech {
  const v = voice ?? DEFAULT_VOICES[engine];
  switch (engine) {
    case 'flite':
      return new FliteTts(v);
    case 'espeak-ng':
      return new EspeakNgTts(v);
    case 'say':
      return new SayTts(v);
  }
}

export function textToSpeechFromConfig(speech: Config['speech']): TextToSpeech {
  return createTextToSpeech(speech.engine, speech.voice);
}

/** The Intl locale for sentence splitting, from an engine voice ("cmn" -> zh). */
export function localeForVoice(voice: string): string {
  if (/^(cmn|yue|zh|hak)/i.test(voice)) return 'zh';
  if (/^(ja|jpx)/i.test(voice)) return 'ja';
  return 'en';
}
