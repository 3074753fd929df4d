import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../device/broker/embedded-broker.js';
import { freePort, type Rig, startRig, testConfig } from './helpers.js';

/*
 * The broker dies in the middle of a stream and comes back on the same port.
 * Policy (README, "Glasses link"): the interrupted stream is stopped, not resumed;
 * say() resolves 'stopped' (link-lost); both ends reconnect by themselves and
 * re-publish their retained availability; the next whisper plays normally.
 */

const LONG =
  'Dana Whitfield. You met her at the climbing gym in October. She is training for a marathon. ' +
  'Her brother Sam fixed your bicycle. She prefers tea to coffee. Ask her about Lisbon.';

let rig: Rig | undefined;
let replacement: EmbeddedBroker | undefined;

afterEach(async () => {
  await rig?.stop();
  await replacement?.stop();
  rig = undefined;
  replacement = undefined;
});

describe('broker restart mid-stream', () => {
  it('stops the stream cleanly, reconnects, re-announces availability, then speaks again', async () => {
    const port = await freePort();
    rig = await startRig({ config: testConfig({ mqtt: { port } }), glasses: { realtime: true } });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const broker = rig.speech.broker as EmbeddedBroker;

    const first = rig.bus.once('test', 'audio-first-chunk');
    const whisper = rig.speech.queue.say({ text: LONG, priority: 'answer' });
    await first;
    const linkDown = new Promise<void>((resolve) => rig?.speech.glasses.link.once('link-down', () => resolve()));
    await broker.stop();
    await linkDown;

    const result = await whisper;
    expect(result).toMatchObject({ outcome: 'stopped', reason: 'link-lost' });
    expect(rig.speech.queue.isSpeaking()).toBe(false);
    // The glasses kept what arrived and marked it cut by the lost link; no `played` for it.
    const cut = await rig.glasses.nextStream((s) => s.streamId === result.streamId);
    expect(cut.reason).toBe('link-lost');
    expect(rig.speech.glasses.link.glassesOnline).toBe(false);

    // Same port, fresh broker with no retained messages: both ends must re-announce themselves.
    const online = rig.bus.once('test', 'glasses-online');
    replacement = new EmbeddedBroker({ host: '127.0.0.1', port });
    await replacement.start();
    await online;

    const observer = await mqtt.connectAsync(replacement.url(), { clientId: 'observer' });
    const retained = new Map<string, string>();
    observer.on('message', (topic, payload, packet) => {
      if (packet.retain) retained.set(topic, payload.toString());
    });
    const t = rig.speech.glasses.link.topics;
    await observer.subscribeAsync([t.runtimeAvailability, t.glassesAvailability], { qos: 1 });
    await expect.poll(() => retained.size, { timeout: 5000 }).toBe(2);
    expect(retained.get(t.runtimeAvailability)).toBe('online');
    expect(retained.get(t.glassesAvailability)).toBe('online');
    await observer.endAsync();

    const again = await rig.speech.queue.say({ text: 'The link is back.', priority: 'answer' });
    expect(again.outcome).toBe('played');
    // The stream id of the cut stream never produced a `played`.
    expect(rig.glasses.streams.filter((s) => s.streamId === result.streamId).map((s) => s.reason)).toEqual(['link-lost']);
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
