import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import { DropLog } from './drop-log.js';
import { type BrokerAccess, clientOptions, defaultConnect, type MqttConnect } from './mqtt-options.js';
import {
  AUDIO_RATE,
  type AudioStart,
  type AudioStop,
  type BatteryMessage,
  type ButtonAction,
  batterySchema,
  buttonSchema,
  decodeAvailability,
  decodeJson,
  glassesTopics,
  playedSchema,
  type StopReason,
} from './topics.js';

/*
 * The runtime's end of the glasses link. It announces mnemo's availability
 * (retained, with a last will), follows the glasses' availability, validates every
 * inbound payload (a malformed one is logged, counted and dropped: nothing the
 * glasses send can throw out of here), and sends audio streams. It reconnects on its
 * own; on every (re)connect it subscribes again and re-publishes "online", since a
 * restarted broker has forgotten both.
 */

export interface GlassesLinkOptions {
  /** A function when the address is only known at start (an embedded broker on port 0). */
  access: BrokerAccess | (() => BrokerAccess);
  deviceId: string;
  clientId?: string;
  keepaliveSeconds?: number;
  reconnectMs?: number;
  connectTimeoutMs?: number;
  maxInboundBytes?: number;
  /** Publish mnemo's availability with a last will (false for one-shot tools like `mnemo say`). */
  announce?: boolean;
  connect?: MqttConnect;
}

export interface GlassesLinkEvents {
  'link-up': [];
  'link-down': [reason: string];
  'glasses-online': [];
  'glasses-offline': [];
  button: [action: ButtonAction];
  battery: [battery: BatteryMessage];
  played: [streamId: string];
  dropped: [topic: string, reason: string];
}

export interface LinkStats {
  received: number;
  dropped: number;
  droppedByTopic: Record<string, number>;
}

export class GlassesLink extends EventEmitter<GlassesLinkEvents> {
  readonly topics: ReturnType<typeof glassesTopics>;
  private client: MqttClient | undefined;
  private url = '';
  private online = false;
  private lastBattery: BatteryMessage | undefined;
  private readonly counts: LinkStats = { received: 0, dropped: 0, droppedByTopic: {} };
  private readonly log = logger('mnemo:glasses-link');
  private readonly drops = new DropLog(this.log);

  constructor(private readonly options: GlassesLinkOptions) {
    super();
    this.topics = glassesTopics(options.deviceId);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  get glassesOnline(): boolean {
    return this.online && this.connected;
  }

  battery(): BatteryMessage | undefined {
    return this.lastBattery;
  }

  stats(): LinkStats {
    return { ...this.counts, droppedByTopic: { ...this.counts.droppedByTopic } };
  }

  /** Connects; resolves on the first CONNACK, throws `mqtt-unavailable` if none comes in time. */
  async start(): Promise<void> {
    if (this.client) return;
    const o = this.options;
    const access = typeof o.access === 'function' ? o.access() : o.access;
    this.url = access.url;
    const announce = o.announce !== false;
    const clientId = o.clientId ?? `mnemo-${o.deviceId}${announce ? '' : `-${process.pid}-${Date.now().toString(36)}`}`;
    const connectTimeoutMs = o.connectTimeoutMs ?? 5000;
    const client = (o.connect ?? defaultConnect)(
      access.url,
      clientOptions(access, {
        clientId,
        keepaliveSeconds: o.keepaliveSeconds ?? 10,
        reconnectMs: o.reconnectMs ?? 1000,
        connectTimeoutMs,
        will: announce ? { topic: this.topics.runtimeAvailability, payload: Buffer.from('offline'), qos: 1, retain: true } : undefined,
      }),
    );
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('connect', () => this.onConnect(announce));
    client.on('close', () => this.onClose('connection closed'));
    client.on('error', (err) => this.log.warn({ reason: errorMessage(err) }, 'mqtt error'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no answer from ${access.url} within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        client.off('connect', ok);
        client.off('error', fail);
        this.client = undefined;
        client.end(true);
        reject(
          new MnemoError('mqtt-unavailable', `cannot connect to the MQTT broker at ${access.url}: ${err.message}`, {
            cause: err,
            fix: 'start the broker (mqtt.embedded: true starts one), or check mqtt.url, username, password and caFile',
            details: { url: access.url },
          }),
        );
      };
      const ok = () => {
        clearTimeout(timer);
        client.off('error', fail);
        resolve();
      };
      client.once('connect', ok);
      client.once('error', fail);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected && this.options.announce !== false) {
      await client.publishAsync(this.topics.runtimeAvailability, 'offline', { qos: 1, retain: true }).catch(() => {});
    }
    this.client = undefined;
    await client.endAsync().catch(() => {});
    this.setOnline(false);
  }

  /** Opens a stream; false when the link is down (nothing was sent). */
  startStream(streamId: string, text: string): boolean {
    const msg: AudioStart = { type: 'audio-start', streamId, rate: AUDIO_RATE, width: 2, channels: 1, text };
    return this.send(this.topics.audioStart(streamId), JSON.stringify(msg), 1);
  }

  /** One 20-40 ms chunk of s16le PCM; false when the link is down. */
  sendChunk(streamId: string, pcm: Buffer): boolean {
    return this.send(this.topics.audioChunk(streamId), pcm, 0);
  }

  stopStream(streamId: string, reason: StopReason): boolean {
    const msg: AudioStop = { type: 'audio-stop', streamId, reason };
    return this.send(this.topics.audioStop(streamId), JSON.stringify(msg), 1);
  }

  setVolume(volume: number): boolean {
    return this.send(this.topics.volume, JSON.stringify({ type: 'volume', volume: Math.min(1, Math.max(0, volume)) }), 1);
  }

  private send(topic: string, payload: string | Buffer, qos: 0 | 1): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    client.publish(topic, payload, { qos, retain: false }, (err) => {
      if (err) this.log.debug({ topic, reason: errorMessage(err) }, 'publish failed');
    });
    return true;
  }

  private onConnect(announce: boolean): void {
    const client = this.client;
    if (!client) return;
    const t = this.topics;
    client.subscribe([t.glassesAvailability, t.button, t.battery, t.played], { qos: 1 }, (err) => {
      if (err) this.log.error({ reason: errorMessage(err) }, 'subscribe failed');
    });
    if (announce) client.publish(t.runtimeAvailability, 'online', { qos: 1, retain: true });
    this.log.info({ url: this.url }, 'link up');
    this.emit('link-up');
  }

  private onClose(reason: string): void {
    if (!this.client) return;
    // Without the broker the glasses cannot be reached, whatever they last said.
    this.setOnline(false);
    this.emit('link-down', reason);
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.counts.received++;
    try {
      this.route(topic, payload);
    } catch (err) {
      // A listener's failure must not become the glasses' fault, nor crash the link.
      this.log.error({ topic, errorType: (err as Error)?.name }, 'inbound handler failed');
      this.log.debug({ topic, err }, 'inbound handler failure detail');
    }
  }

  private route(topic: string, payload: Buffer): void {
    const t = this.topics;
    const max = this.options.maxInboundBytes ?? 4096;
    if (topic === t.glassesAvailability) {
      const r = decodeAvailability(payload);
      if (!r.ok) return void this.drop(topic, r.reason, payload.length);
      this.setOnline(r.value === 'online');
    } else if (topic === t.button) {
      const r = decodeJson(buttonSchema, payload, max);
      if (!r.ok) return void this.drop(topic, r.reason, payload.length);
      this.emit('button', r.value.action);
    } else if (topic === t.battery) {
      const r = decodeJson(batterySchema, payload, max);
      if (!r.ok) return void this.drop(topic, r.reason, payload.length);
      this.lastBattery = r.value;
      this.emit('battery', r.value);
    } else if (topic === t.played) {
      const r = decodeJson(playedSchema, payload, max);
      if (!r.ok) return void this.drop(topic, r.reason, payload.length);
      this.emit('played', r.value.streamId);
    } else {
      this.drop(topic, 'unexpected topic', payload.length);
    }
  }

  private drop(topic: string, reason: string, bytes: number): void {
    this.counts.dropped++;
    this.counts.droppedByTopic[topic] = (this.counts.droppedByTopic[topic] ?? 0) + 1;
    this.drops.drop(topic, reason, bytes);
    this.emit('dropped', topic, reason);
  }

  private setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.log.info({ deviceId: this.options.deviceId }, online ? 'glasses online' : 'glasses offline');
    this.emit(online ? 'glasses-online' : 'glasses-offline');
  }
}
