import { errorMessage } from '../../config/errors.js';
import type { GlassesLink } from '../../hardware/glasses-link/index.js';
import { BoneConductionFilter, localeForVoice, splitSentences, type TextToSpeech, TTS_SAMPLE_RATE } from '../../models/tts/engines.js';
import type { EventBus } from '../bus.js';
import type { Clock } from '../contracts.js';

/*
 * Sends one whisper as one audio stream: audio-start, then each sentence as soon as
 * it is synthesised (filtered, cut into chunkMs chunks), then audio-stop. The first
 * sentence is on the wire while the second is still being synthesised, so the
 * wearer's wait is one sentence, not the whole text.
 */

export interface SendSettings {
  chunkMs: number;
  boneConductionFilter: boolean;
  highPassHz: number;
  loudnessDbfs: number;
}

export type SendOutcome =
  | { ok: true; samples: number; firstChunkAt: number }
  | { ok: false; reason: 'aborted' | 'link-lost' | 'tts-failed'; detail?: string; samples: number; firstChunkAt?: number };

export async function sendStream(
  deps: { link: GlassesLink; tts: TextToSpeech; bus: EventBus; clock: Clock },
  stream: { streamId: string; text: string; signal: AbortSignal },
  settings: SendSettings,
): Promise<SendOutcome> {
  const { link, tts, bus, clock } = deps;
  const { streamId, text, signal } = stream;
  const filter = settings.boneConductionFilter
    ? new BoneConductionFilter({ rate: TTS_SAMPLE_RATE, highPassHz: settings.highPassHz, loudnessDbfs: settings.loudnessDbfs })
    : undefined;
  const chunkSamples = Math.round((TTS_SAMPLE_RATE * settings.chunkMs) / 1000);
  let samples = 0;
  let firstChunkAt: number | undefined;
  bus.emit('speech-start', { at: clock.monotonic(), id: streamId, streamId, engine: tts.engine, text });
  if (!link.startStream(streamId, text)) return { ok: false, reason: 'link-lost', samples };
  for (const sentence of splitSentences(text, localeForVoice(tts.voice))) {
    if (signal.aborted) return { ok: false, reason: 'aborted', samples, firstChunkAt };
    let pcm: Int16Array;
    try {
      pcm = await tts.synthesize(sentence, { signal });
    } catch (err) {
      if (signal.aborted) return { ok: false, reason: 'aborted', samples, firstChunkAt };
      bus.emit('speech-error', { at: clock.monotonic(), id: streamId, streamId, error: errorMessage(err) });
      return { ok: false, reason: 'tts-failed', detail: errorMessage(err), samples, firstChunkAt };
    }
    if (signal.aborted) return { ok: false, reason: 'aborted', samples, firstChunkAt };
    const shaped = filter ? filter.process(pcm) : pcm;
    const bytes = Buffer.from(shaped.buffer, shaped.byteOffset, shaped.byteLength);
    for (let off = 0; off < shaped.length; off += chunkSamples) {
      const n = Math.min(chunkSamples, shaped.length - off);
      if (!link.sendChunk(streamId, bytes.subarray(off * 2, (off + n) * 2))) {
        return { ok: false, reason: 'link-lost', samples, firstChunkAt };
      }
      samples += n;
      if (firstChunkAt === undefined) {
        firstChunkAt = clock.monotonic();
        bus.emit('audio-first-chunk', { at: firstChunkAt, id: streamId, streamId });
      }
    }
  }
  bus.emit('speech-end', { at: clock.monotonic(), id: streamId, streamId, engine: tts.engine, samples });
  if (!link.stopStream(streamId, 'end')) return { ok: false, reason: 'link-lost', samples, firstChunkAt };
  return { ok: true, samples, firstChunkAt: firstChunkAt ?? clock.monotonic() };
}
