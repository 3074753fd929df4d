import type { Config } from '../../config/schema.js';
import type { MqttConnect } from '../../hardware/glasses-link/index.js';
import { type TextToSpeech, textToSpeechFromConfig } from '../../models/tts/engines.js';
import { EmbeddedBroker } from '../broker/embedded-broker.js';
import type { EventBus } from '../bus.js';
import type { Clock } from '../contracts.js';
import type { Part } from '../controller.js';
import { createGlassesLink, type GlassesLinkPart } from './glasses-part.js';
import { WhisperQueue } from './whisper-queue.js';

export { createGlassesLink, type GlassesLinkDeps, type GlassesLinkPart } from './glasses-part.js';
export { WhisperQueue, type WhisperQueueDeps } from './whisper-queue.js';

export interface SpeechOut {
  /** The embedded broker, when mqtt.embedded is true. */
  broker?: EmbeddedBroker;
  glasses: GlassesLinkPart;
  /** The WhisperSink every stage speaks through. */
  queue: WhisperQueue;
  /** In start order: broker, glasses-link, speech. */
  parts: Part[];
}

export interface SpeechOutDeps {
  bus: EventBus;
  tts?: TextToSpeech;
  connect?: MqttConnect;
  clock?: Clock;
}

/** The broker (if embedded), the glasses link and the whisper queue, wired together. */
export function createSpeechOut(config: Config, deps: SpeechOutDeps): SpeechOut {
  const broker = config.mqtt.embedded ? EmbeddedBroker.fromConfig(config.mqtt) : undefined;
  const glasses = createGlassesLink(config, {
    bus: deps.bus,
    connect: deps.connect,
    clock: deps.clock,
    url: broker && (() => broker.url()),
  });
  const queue = createWhisperQueue(config, { bus: deps.bus, link: glasses, tts: deps.tts, clock: deps.clock });
  return { broker, glasses, queue, parts: [...(broker ? [broker] : []), glasses, queue] };
}

export function createWhisperQueue(
  config: Pick<Config, 'speech' | 'glasses'>,
  deps: { bus: EventBus; link: GlassesLinkPart; tts?: TextToSpeech; clock?: Clock },
): WhisperQueue {
  return new WhisperQueue({
    config,
    bus: deps.bus,
    link: deps.link.link,
    tts: deps.tts ?? textToSpeechFromConfig(config.speech),
    clock: deps.clock,
  });
}
