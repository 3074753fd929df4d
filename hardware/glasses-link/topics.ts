import { z } from 'zod';

/*
 * The one typed map of the glasses link: every topic under mnemo/<deviceId>/, who
 * publishes it, its payload schema, QoS and retain flag. Payloads are small typed
 * objects in Wyoming's vocabulary; audio chunks are raw PCM with the stream id in
 * the topic. Both ends validate everything they receive with these schemas.
 *
 * QoS and retain, and why:
 * - availability (both sides): QoS 1, retained, set to "offline" by the last will,
 *   so whoever connects later learns the other side's state at once.
 * - battery: QoS 1, retained: a state, the runtime reads the last level at start.
 * - button, played: QoS 1, never retained: events that must arrive; `played` is
 *   idempotent per stream id, so a duplicate after a reconnect is harmless.
 * - audio-start / audio-stop, volume: QoS 1, never retained (commands are never retained).
 * - audio-chunk: QoS 0: a late chunk is worthless, and a chunk queued across a
 *   reconnect would play stale audio. TCP and the broker keep one publisher's
 *   messages in order, so chunks still arrive between their start and stop.
 */

export const STREAM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const streamId = z.string().regex(STREAM_ID);

export const BUTTON_ACTIONS = ['press', 'release', 'long-press', 'double-press'] as const;
export type ButtonAction = (typeof BUTTON_ACTIONS)[number];

export const buttonSchema = z.strictObject({ type: z.literal('button'), action: z.enum(BUTTON_ACTIONS) });
export const batterySchema = z.strictObject({
  type: z.literal('battery'),
  percent: z.number().min(0).max(100),
  charging: z.boolean(),
});
export const playedSchema = z.strictObject({ type: z.literal('played'), streamId });
export const availabilitySchema = z.enum(['online', 'offline']);

export const AUDIO_RATE = 16_000;
export const audioStartSchema = z.strictObject({
  type: z.literal('audio-start'),
  streamId,
  rate: z.literal(AUDIO_RATE),
  width: z.literal(2),
  channels: z.literal(1),
  /** What is being said: shown by the virtual glasses, for accessibility. */
  text: z.string().max(4000),
});
export const STOP_REASONS = ['end', 'interrupted', 'cancelled', 'link-lost'] as const;
export const audioStopSchema = z.strictObject({
  type: z.literal('audio-stop'),
  streamId,
  /** end: play what was sent, then report `played`; anything else: stop now, report nothing. */
  reason: z.enum(STOP_REASONS),
});
export const volumeSchema = z.strictObject({ type: z.literal('volume'), volume: z.number().min(0).max(1) });

export type ButtonMessage = z.infer<typeof buttonSchema>;
export type BatteryMessage = z.infer<typeof batterySchema>;
export type PlayedMessage = z.infer<typeof playedSchema>;
export type Availability = z.infer<typeof availabilitySchema>;
export type AudioStart = z.infer<typeof audioStartSchema>;
export type AudioStop = z.infer<typeof audioStopSchema>;
export type StopReason = AudioStop['reason'];
export type VolumeMessage = z.infer<typeof volumeSchema>;

export interface TopicSpec {
  topic: string;
  from: 'glasses' | 'runtime';
  qos: 0 | 1;
  retain: boolean;
  payload: string;
}

/** The topics of one device (for the code, the README table and the broker ACL). */
export function glassesTopics(deviceId: string) {
  const root = `mnemo/${deviceId}`;
  return {
    root,
    glassesAvailability: `${root}/glasses/availability`,
    button: `${root}/glasses/button`,
    battery: `${root}/glasses/battery`,
    played: `${root}/glasses/played`,
    runtimeAvailability: `${root}/runtime/availability`,
    volume: `${root}/volume`,
    audioStart: (id: string) => `${root}/audio/${id}/start`,
    audioChunk: (id: string) => `${root}/audio/${id}/chunk`,
    audioStop: (id: string) => `${root}/audio/${id}/stop`,
    /** What the glasses subscribe to. */
    audioAll: `${root}/audio/+/+`,
  };
}

export type GlassesTopics = ReturnType<typeof glassesTopics>;

export function topicTable(deviceId: string): TopicSpec[] {
  const t = glassesTopics(deviceId);
  return [
    { topic: t.glassesAvailability, from: 'glasses', qos: 1, retain: true, payload: '"online" | "offline" (last will)' },
    { topic: t.button, from: 'glasses', qos: 1, retain: false, payload: '{type:"button", action}' },
    { topic: t.battery, from: 'glasses', qos: 1, retain: true, payload: '{type:"battery", percent, charging}' },
    { topic: t.played, from: 'glasses', qos: 1, retain: false, payload: '{type:"played", streamId}' },
    { topic: t.runtimeAvailability, from: 'runtime', qos: 1, retain: true, payload: '"online" | "offline" (last will)' },
    {
      topic: t.audioStart('<streamId>'),
      from: 'runtime',
      qos: 1,
      retain: false,
      payload: '{type:"audio-start", streamId, rate, width, channels, text}',
    },
    { topic: t.audioChunk('<streamId>'), from: 'runtime', qos: 0, retain: false, payload: 'binary s16le PCM, 20-40 ms' },
    { topic: t.audioStop('<streamId>'), from: 'runtime', qos: 1, retain: false, payload: '{type:"audio-stop", streamId, reason}' },
    { topic: t.volume, from: 'runtime', qos: 1, retain: false, payload: '{type:"volume", volume}' },
  ];
}

/** Parses an audio topic: `mnemo/<id>/audio/<streamId>/<kind>`. */
export function parseAudioTopic(topics: GlassesTopics, topic: string): { streamId: string; kind: 'start' | 'chunk' | 'stop' } | null {
  const prefix = `${topics.root}/audio/`;
  if (!topic.startsWith(prefix)) return null;
  const [id, kind, ...rest] = topic.slice(prefix.length).split('/');
  if (rest.length || !id || !STREAM_ID.test(id)) return null;
  if (kind !== 'start' && kind !== 'chunk' && kind !== 'stop') return null;
  return { streamId: id, kind };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Decodes a JSON payload: size, UTF-8, JSON and schema are each checked; never throws. */
export function decodeJson<T>(schema: z.ZodType<T>, payload: Buffer, maxBytes: number): Decoded<T> {
  if (payload.length > maxBytes) return { ok: false, reason: `too large (${payload.length} bytes > ${maxBytes})` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { ok: false, reason: 'not UTF-8' };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, reason: `invalid: ${first ? `${first.path.join('.') || '(root)'} ${first.message}` : 'schema'}` };
  }
  return { ok: true, value: parsed.data };
}

/** Availability is plain text, not JSON. */
export function decodeAvailability(payload: Buffer): Decoded<Availability> {
  if (payload.length > 16) return { ok: false, reason: `too large (${payload.length} bytes)` };
  const text = payload.toString('latin1');
  const parsed = availabilitySchema.safeParse(text);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'not "online" or "offline"' };
}
