import type { Config } from '../../config/schema.js';
import { brokerAccess, GlassesLink, type MqttConnect } from '../../hardware/glasses-link/index.js';
import type { EventBus } from '../bus.js';
import { type Clock, systemClock } from '../contracts.js';
import type { Part } from '../controller.js';

/*
 * The glasses link as a Part of the runtime, and the bridge from its events to the
 * bus: online/offline, button, battery (and battery-low once per discharge below
 * glasses.batteryLowPercent, re-armed when charging or 5 points above), dropped
 * payloads (mqtt-dropped).
 */

export interface GlassesLinkDeps {
  bus: EventBus;
  /** The broker URL when only known at start (the embedded broker on port 0); default from config. */
  url?: () => string;
  connect?: MqttConnect;
  clock?: Clock;
  /** false for one-shot tools (`mnemo say`): no availability, no last will. */
  announce?: boolean;
}

export interface GlassesLinkPart extends Part {
  readonly link: GlassesLink;
}

export function createGlassesLink(config: Pick<Config, 'mqtt' | 'glasses'>, deps: GlassesLinkDeps): GlassesLinkPart {
  const clock = deps.clock ?? systemClock;
  const { mqtt, glasses } = config;
  const link = new GlassesLink({
    access: () => brokerAccess(mqtt, { url: deps.url?.() }),
    deviceId: glasses.deviceId,
    clientId: mqtt.clientId,
    keepaliveSeconds: mqtt.keepaliveSeconds,
    reconnectMs: mqtt.reconnectMs,
    connectTimeoutMs: mqtt.connectTimeoutMs,
    maxInboundBytes: glasses.maxInboundBytes,
    announce: deps.announce,
    connect: deps.connect,
  });
  const { bus } = deps;
  let lowArmed = true;
  link.on('glasses-online', () => bus.emit('glasses-online', { at: clock.monotonic() }));
  link.on('glasses-offline', () => bus.emit('glasses-offline', { at: clock.monotonic() }));
  link.on('button', (action) => bus.emit('button', { at: clock.monotonic(), action }));
  link.on('dropped', (topic, reason) => bus.emit('mqtt-dropped', { at: clock.monotonic(), topic, reason }));
  link.on('battery', ({ percent, charging }) => {
    const at = clock.monotonic();
    bus.emit('battery', { at, percent, charging });
    if (charging || percent > glasses.batteryLowPercent + 5) lowArmed = true;
    else if (lowArmed && percent <= glasses.batteryLowPercent) {
      lowArmed = false;
      bus.emit('battery-low', { at, percent });
    }
  });
  return {
    name: 'glasses-link',
    link,
    start: () => link.start(),
    stop: () => link.stop(),
  };
}
