import type { Config } from '../config/schema.js';
import { type ButtonAction, brokerAccess, type ReceivedStream, VirtualGlasses } from '../hardware/glasses-link/index.js';
import type { EventBus } from './bus.js';
import type { Clock } from './contracts.js';
import type { Part } from './controller.js';
import { createSpeechOut, type SpeechOut } from './speech/index.js';

/** The broker (when embedded), the glasses link and the whisper queue of the runtime. */
export interface GlassesParts {
  parts: Part[];
  whisper: SpeechOut['queue'];
  speech: SpeechOut;
  /** The broker URL once started (the embedded broker may be on a port chosen at start). */
  url(): string;
}

export function createGlassesParts(deps: { config: Config; bus: EventBus; clock: Clock }): GlassesParts {
  const speech = createSpeechOut(deps.config, { bus: deps.bus, clock: deps.clock });
  return {
    parts: speech.parts,
    whisper: speech.queue,
    speech,
    url: () => speech.broker?.url() ?? brokerAccess(deps.config.mqtt).url,
  };
}

/** In-process virtual glasses (the demo and end-to-end tests): press buttons, collect what they heard. */
export async function startVirtualGlasses(
  config: Config,
  out: string,
  url?: string,
): Promise<{
  glasses: VirtualGlasses;
  button(a: ButtonAction): Promise<void>;
  received(): Array<{ streamId: string; text: string; at: number; wavPath?: string }>;
  stop(): Promise<void>;
}> {
  const glasses = new VirtualGlasses({
    access: brokerAccess(config.mqtt, url ? { url } : {}),
    deviceId: config.glasses.deviceId,
    out,
    realtime: true,
  });
  const started: Array<{ streamId: string; text: string; at: number; wavPath?: string }> = [];
  glasses.on('audio-start', (start, at) => started.push({ streamId: start.streamId, text: start.text, at }));
  glasses.on('stream', (s: ReceivedStream) => {
    const entry = started.find((x) => x.streamId === s.streamId);
    if (entry) entry.wavPath = s.wavPath;
  });
  await glasses.start();
  return { glasses, button: (a) => glasses.press(a), received: () => started, stop: () => glasses.stop() };
}
