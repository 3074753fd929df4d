import type { Config } from '../../config/schema.js';
import type { Memory } from '../../memory/types.js';
import type { EventBus } from '../bus.js';
import type { Clock, WhisperSink } from '../contracts.js';
import { RecallPolicy } from './recall-policy.js';

export { RecallPolicy } from './recall-policy.js';
export { buildWhisper, howLongAgo } from './whisper-text.js';

/** The recall policy Part: listens for `track-identified` and whispers through `whisper` with priority 'recall'. */
export function createRecallPolicy(opts: {
  config: Config;
  bus: EventBus;
  memory: Memory;
  whisper: WhisperSink;
  clock: Clock;
}): RecallPolicy {
  return new RecallPolicy(opts);
}
