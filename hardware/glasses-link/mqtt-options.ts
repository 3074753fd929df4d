import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { MnemoError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';

/** How a link or the virtual glasses reaches the broker; tests inject their own `connect`. */
export interface BrokerAccess {
  url: string;
  username?: string;
  password?: string;
  /** PEM CA certificate(s) for mqtts:// */
  ca?: Buffer;
}

export type MqttConnect = (url: string, options: IClientOptions) => MqttClient;

export const defaultConnect: MqttConnect = (url, options) => mqtt.connect(url, options);

/** The broker URL from config: the external `mqtt.url`, or the embedded broker's address. */
export function brokerUrl(cfg: Config['mqtt'], port = cfg.port): string {
  if (!cfg.embedded && cfg.url) return cfg.url;
  if (!cfg.embedded) {
    throw new MnemoError('config-invalid', 'mqtt.embedded is false but mqtt.url is not set', {
      fix: 'set mqtt.url (e.g. mqtts://broker:8883) or mqtt.embedded: true',
    });
  }
  const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host;
  return `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function brokerAccess(cfg: Config['mqtt'], overrides: { url?: string; port?: number } = {}): BrokerAccess {
  let ca: Buffer | undefined;
  if (cfg.caFile) {
    try {
      ca = readFileSync(cfg.caFile);
    } catch (cause) {
      throw new MnemoError('config-invalid', `mqtt.caFile ${cfg.caFile} cannot be read`, { cause, fix: 'point mqtt.caFile at a PEM file' });
    }
  }
  return { url: overrides.url ?? brokerUrl(cfg, overrides.port), username: cfg.username, password: cfg.password, ca };
}

/** Reconnecting client options shared by both ends of the link. */
export function clientOptions(
  access: BrokerAccess,
  o: { clientId: string; keepaliveSeconds: number; reconnectMs: number; connectTimeoutMs: number; will?: IClientOptions['will'] },
): IClientOptions {
  return {
    clientId: o.clientId,
    username: access.username,
    password: access.password,
    ca: access.ca,
    keepalive: o.keepaliveSeconds,
    reconnectPeriod: o.reconnectMs,
    connectTimeout: o.connectTimeoutMs,
    clean: true,
    // Audio queued while the link is down would play late: drop it (QoS 0 chunks).
    queueQoSZero: false,
    // Subscriptions are made again on every `connect` by the link itself.
    resubscribe: false,
    will: o.will,
  };
}
