import { dirname } from 'node:path';
import { isMnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { ModelStore } from '../store.js';
import { PocketSphinxStt } from './pocketsphinx-stt.js';
import type { SpeechToText } from './types.js';
import { WhisperStt, whisperMissing } from './whisper-stt.js';

const log = logger('mnemo:stt');

export const POCKETSPHINX_MODEL = 'pocketsphinx-en-us';

async function pocketsphinx(config: Config, store: ModelStore, reason: string): Promise<PocketSphinxStt> {
  const paths = await store.require(POCKETSPHINX_MODEL);
  const at = (suffix: string) => paths.find((p) => p.endsWith(suffix)) as string;
  const files = { hmm: dirname(at('/feat.params')), lm: at('.lm.bin'), dict: at('.dict') };
  return new PocketSphinxStt({ files, grammarConfidence: config.voice.grammarConfidence, reason });
}

/**
 * The speech-to-text engine `voice.stt` asks for, not yet loaded:
 *  - whisper: Whisper or a `model-missing` error naming the pull command;
 *  - pocketsphinx: PocketSphinx (US English only);
 *  - auto: Whisper when its folder is pulled and verified, else PocketSphinx,
 *    unless the language is not English (PocketSphinx has only en-us) - then
 *    Whisper's missing model is the error.
 * The engine and why it was chosen are logged at info (no private content).
 */
export async function createSpeechToText(config: Config, store: ModelStore): Promise<SpeechToText> {
  const { stt, whisperModel, language } = config.voice;
  const english = language === 'en' || language.startsWith('en-');
  let engine: SpeechToText;
  if (stt === 'pocketsphinx') {
    engine = await pocketsphinx(config, store, 'voice.stt is pocketsphinx');
  } else {
    const whisper = new WhisperStt({
      modelId: whisperModel,
      store,
      language,
      reason: `voice.stt is ${stt} and ${whisperModel} is present`,
    });
    try {
      await whisper.folder();
      engine = whisper;
    } catch (err) {
      if (stt === 'whisper' || !english || !(isMnemoError(err, 'model-missing') || isMnemoError(err, 'model-unpinned'))) {
        throw isMnemoError(err, 'model-unpinned') ? whisperMissing(whisperModel, err) : err;
      }
      engine = await pocketsphinx(config, store, `voice.stt is auto and ${whisperModel} is not pulled (${(err as Error).message})`);
    }
  }
  log.info({ engine: engine.engine, reason: engine.reason }, 'speech to text engine chosen');
  return engine;
}
