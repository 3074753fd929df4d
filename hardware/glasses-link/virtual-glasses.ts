import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import { type BrokerAccess, clientOptions, defaultConnect, type MqttConnect } from './mqtt-options.js';
import {
  AUDIO_RATE,
  type AudioStart,
  audioStartSchema,
  audioStopSchema,
  type BatteryMessage,
  type ButtonAction,
  decodeJson,
  glassesTopics,
  parseAudioTopic,
  type StopReason,
  volumeSchema,
} from './topics.js';
import { encodeWav } from './wav-file.js';

/*
 * Glasses in software: they connect as the glasses (availability with a last will,
 * battery), turn calls into button events, receive audio streams, write each as a
 * WAV file, and report `played` once the audio would have finished playing
 * (realtime) or at once. The CLI (`mnemo glasses simulate`), the demo and the
 * end-to-end tests drive them; `crash()` drops the connection without a goodbye,
 * so the broker publishes the last will, as when a real battery dies.
 */

export interface VirtualGlassesOptions {
  access: BrokerAccess;
  deviceId: string;
  /** Folder for one WAV per received stream; unset: streams are only kept in memory. */
  out?: string;
  /** Wait for the audio's duration before `played`, as a speaker would (default true). */
  realtime?: boolean;
  battery?: { percent: number; charging: boolean };
  clientId?: string;
  keepaliveSeconds?: number;
  reconnectMs?: number;
  connect?: MqttConnect;
}

export interface ReceivedStream {
  streamId: string;
  text: string;
  /** performance.now() when audio-start, the first chunk and audio-stop arrived. */
  startAt: number;
  firstChunkAt?: number;
  endAt: number;
  samples: number;
  durationMs: number;
  reason: StopReason;
  pcm: Buffer;
  wavPath?: string;
}

export interface VirtualGlassesEvents {
  connected: [];
  disconnected: [];
  'audio-start': [start: AudioStart, at: number];
  'first-chunk': [streamId: string, at: number];
  stream: [stream: ReceivedStream];
  played: [streamId: string];
  volume: [volume: number];
  invalid: [topic: string, reason: string];
}

interface Incoming {
  start: AudioStart;
  startAt: number;
  firstChunkAt?: number;
  chunks: Buffer[];
}

export class VirtualGlasses extends EventEmitter<VirtualGlassesEvents> {
  readonly topics: ReturnType<typeof glassesTopics>;
  readonly streams: ReceivedStream[] = [];
  volume = 1;
  private client: MqttClient | undefined;
  private batteryState: BatteryMessage;
  private readonly incoming = new Map<string, Incoming>();
  private readonly finished = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log = logger('mnemo:virtual-glasses');

  constructor(private readonly options: VirtualGlassesOptions) {
    super();
    this.topics = glassesTopics(options.deviceId);
    const b = options.battery ?? { percent: 80, charging: false };
    this.batteryState = { type: 'battery', percent: b.percent, charging: b.charging };
    if (options.out) mkdirSync(options.out, { recursive: true });
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const o = this.options;
    const client = (o.connect ?? defaultConnect)(
      o.access.url,
      clientOptions(o.access, {
        clientId: o.clientId ?? `glasses-${o.deviceId}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
        keepaliveSeconds: o.keepaliveSeconds ?? 5,
        reconnectMs: o.reconnectMs ?? 500,
        connectTimeoutMs: 5000,
        will: { topic: this.topics.glassesAvailability, payload: Buffer.from('offline'), qos: 1, retain: true },
      }),
    );
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('close', () => this.onClose());
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (err) => this.log.debug({ reason: errorMessage(err) }, 'mqtt error'));
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.client = undefined;
        client.end(true);
        reject(new MnemoError('mqtt-unavailable', `virtual glasses cannot connect to ${o.access.url}: ${err.message}`, { cause: err }));
      };
      const timer = setTimeout(() => fail(new Error('timed out')), 5000);
      client.once('connect', () => {
        clearTimeout(timer);
        client.off('error', fail);
        resolve();
      });
      client.once('error', fail);
    });
  }

  /** A clean goodbye: "offline" is published, then the connection ends. */
  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.clearTimers();
    if (client.connected) await client.publishAsync(this.topics.glassesAvailability, 'offline', { qos: 1, retain: true }).catch(() => {});
    await client.endAsync().catch(() => {});
  }

  /** The connection drops without DISCONNECT, so the broker sends the last will. */
  crash(): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    this.clearTimers();
    client.stream.destroy();
    client.end(true);
  }

  press(action: ButtonAction): Promise<void> {
    return this.publishJson(this.topics.button, { type: 'button', action }, false);
  }

  setBattery(percent: number, charging = this.batteryState.charging): Promise<void> {
    this.batteryState = { type: 'battery', percent: Math.max(0, Math.min(100, percent)), charging };
    return this.publishJson(this.topics.battery, this.batteryState, true);
  }

  battery(): BatteryMessage {
    return this.batteryState;
  }

  /** The next stream to end (or one already received that matches). */
  nextStream(match: (s: ReceivedStream) => boolean = () => true, timeoutMs = 30_000, since = 0): Promise<ReceivedStream> {
    const done = this.streams.slice(since).find(match);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('stream', on);
        reject(new Error(`no matching stream within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (s: ReceivedStream) => {
        if (!match(s)) return;
        clearTimeout(timer);
        this.off('stream', on);
        resolve(s);
      };
      this.on('stream', on);
    });
  }

  private async publishJson(topic: string, value: unknown, retain: boolean): Promise<void> {
    const client = this.client;
    // Glasses do not queue presses while disconnected: a late press would start listening at the wrong moment.
    if (!client?.connected) throw new MnemoError('mqtt-unavailable', 'virtual glasses are not connected');
    await client.publishAsync(topic, JSON.stringify(value), { qos: 1, retain });
  }

  private onConnect(): void {
    const client = this.client;
    if (!client) return;
    client.subscribe([this.topics.audioAll, this.topics.volume], { qos: 1 });
    client.publish(this.topics.glassesAvailability, 'online', { qos: 1, retain: true });
    client.publish(this.topics.battery, JSON.stringify(this.batteryState), { qos: 1, retain: true });
    this.emit('connected');
  }

  private onClose(): void {
    // A stream cut by a lost connection is not resumed: keep what arrived, mark it.
    for (const id of [...this.incoming.keys()]) this.finish(id, 'link-lost', performance.now());
    this.emit('disconnected');
  }

  private onMessage(topic: string, payload: Buffer): void {
    const at = performance.now();
    try {
      if (topic === this.topics.volume) {
        const r = decodeJson(volumeSchema, payload, 1024);
        if (!r.ok) return void this.emit('invalid', topic, r.reason);
        this.volume = r.value.volume;
        this.emit('volume', this.volume);
        return;
      }
      const parsed = parseAudioTopic(this.topics, topic);
      if (!parsed) return void this.emit('invalid', topic, 'unexpected topic');
      const { streamId, kind } = parsed;
      if (kind === 'chunk') {
        const s = this.incoming.get(streamId);
        if (!s) return; // a chunk of a stream already stopped (or never started): nothing to play
        if (s.firstChunkAt === undefined) {
          s.firstChunkAt = at;
          this.emit('first-chunk', streamId, at);
        }
        s.chunks.push(Buffer.from(payload));
        return;
      }
      if (kind === 'start') {
        const r = decodeJson(audioStartSchema, payload, 16_384);
        if (!r.ok || r.value.streamId !== streamId) return void this.emit('invalid', topic, r.ok ? 'stream id mismatch' : r.reason);
        if (this.finished.has(streamId) || this.incoming.has(streamId)) return; // a resent start
        this.incoming.set(streamId, { start: r.value, startAt: at, chunks: [] });
        this.emit('audio-start', r.value, at);
      } else {
        const r = decodeJson(audioStopSchema, payload, 1024);
        if (!r.ok || r.value.streamId !== streamId) return void this.emit('invalid', topic, r.ok ? 'stream id mismatch' : r.reason);
        this.finish(streamId, r.value.reason, at);
      }
    } catch (err) {
      this.log.error({ topic, reason: errorMessage(err) }, 'virtual glasses failed on a message');
    }
  }

  private finish(streamId: string, reason: StopReason, at: number): void {
    const s = this.incoming.get(streamId);
    if (!s) return;
    this.incoming.delete(streamId);
    this.finished.add(streamId);
    const pcm = Buffer.concat(s.chunks);
    const samples = pcm.length / 2;
    const stream: ReceivedStream = {
      streamId,
      text: s.start.text,
      startAt: s.startAt,
      firstChunkAt: s.firstChunkAt,
      endAt: at,
      samples,
      durationMs: (samples / AUDIO_RATE) * 1000,
      reason,
      pcm,
    };
    if (this.options.out) {
      stream.wavPath = join(this.options.out, `${fileStamp()}-${streamId}${reason === 'end' ? '' : `-${reason}`}.wav`);
      writeFileSync(stream.wavPath, encodeWavSafe(pcm));
    }
    this.streams.push(stream);
    this.emit('stream', stream);
    if (reason !== 'end') return;
    // Playback starts with the first chunk; `played` once the last sample would have sounded.
    const playedAt = (s.firstChunkAt ?? at) + stream.durationMs;
    const wait = this.options.realtime === false ? 0 : Math.max(0, playedAt - performance.now());
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.client?.publish(this.topics.played, JSON.stringify({ type: 'played', streamId }), { qos: 1 });
      this.emit('played', streamId);
    }, wait);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function encodeWavSafe(pcm: Buffer): Buffer {
  // An odd byte count can only come from a broken sender; keep whole samples.
  return encodeWav(pcm.length % 2 ? pcm.subarray(0, pcm.length - 1) : pcm, AUDIO_RATE);
}

function fileStamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 19).replace('.', '-');
}
