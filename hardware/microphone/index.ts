import { MnemoError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { RecorderMicrophone } from './recorder-microphone.js';
import { ReplayMicrophone } from './replay-microphone.js';
import type { Microphone } from './types.js';

export { RecorderMicrophone } from './recorder-microphone.js';
export { ReplayMicrophone, type TimelineStep, whiteNoise } from './replay-microphone.js';
export type { Microphone } from './types.js';
export { encodeWav, parseWav, readWav16k, resample, SAMPLE_RATE, toFloat32, toInt16, wavTo16k } from './wav.js';

/** The microphone the config asks for. */
export function createMicrophone(cfg: Config['microphone']): Microphone {
  if (cfg.source === 'replay') {
    if (!cfg.path) {
      throw new MnemoError('config-invalid', 'microphone.source is replay but microphone.path is not set', {
        fix: 'set microphone.path to a WAV file or a timeline file',
      });
    }
    return new ReplayMicrophone({ source: cfg.path, chunkMs: cfg.chunkMs, speed: cfg.replaySpeed });
  }
  return new RecorderMicrophone({ recorder: cfg.recorder, device: cfg.device, chunkMs: cfg.chunkMs });
}
