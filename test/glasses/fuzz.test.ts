import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig } from './helpers.js';

/*
 * 1,000 malformed payloads to each inbound topic: random bytes, broken and wrong JSON,
 * wrong types and values, extra keys, huge payloads. Every one must be counted as
 * dropped (each is invalid by construction, so the expected count is exact), the
 * runtime must stay up, and a valid press afterwards must still arrive.
 */

const PER_TOPIC = 1000;

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function malformed(rand: () => number, i: number, kind: 'json' | 'availability'): Buffer {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  switch (i % 10) {
    case 0:
      // Random bytes behind a NUL: never valid JSON nor a plain word.
      return Buffer.concat([Buffer.from([0]), bytes(1 + Math.floor(rand() * 200))]);
    case 1:
      return Buffer.from([0xff, 0xfe, 0xc3, 0x28]); // not UTF-8
    case 2:
      return Buffer.from(`{"type":"button","action":"press"`.slice(0, 1 + Math.floor(rand() * 30))); // cut short
    case 3:
      return Buffer.from(JSON.stringify(pick([null, 42, 'press', [], true, { type: 'button' }])));
    case 4:
      return Buffer.from(JSON.stringify({ type: 'button', action: pick([7, 'explode', null, ['press'], { a: 1 }]) }));
    case 5:
      return Buffer.from(
        JSON.stringify({ type: 'battery', percent: pick([-1, 101, '50', null, Number.NaN]), charging: pick(['yes', 1, null]) }),
      );
    case 6:
      return Buffer.from(JSON.stringify({ type: 'played', streamId: pick(['', '../../etc', 'a/b', 'x'.repeat(65), 12]) }));
    case 7:
      // Valid-looking but with an extra key or the wrong type tag.
      return Buffer.from(
        pick([
          '{"type":"button","action":"press","extra":1}',
          '{"type":"battery","percent":50,"charging":false,"__proto__":{"polluted":true}}',
          '{"type":"played","streamId":"abc","x":null}',
          '{"type":"volume","volume":0.5}',
        ]),
      );
    case 8:
      return Buffer.alloc(64 * 1024 + Math.floor(rand() * 200 * 1024), 0x7b); // huge
    default:
      return kind === 'availability' ? Buffer.from(pick(['ONLINE', 'online ', 'off', '', '"online"', 'offline\n'])) : Buffer.from('');
  }
}

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
});

afterAll(async () => {
  await rig.stop();
});

describe('inbound payloads on every glasses topic', () => {
  it('drops and counts 1,000 malformed payloads per topic; a valid press still works', async () => {
    const link = rig.speech.glasses.link;
    const t = link.topics;
    const topics = [t.button, t.battery, t.played, t.glassesAvailability];
    const drops: string[] = [];
    rig.bus.on('test', 'mqtt-dropped', (e) => void drops.push(e.topic));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const buttons: string[] = [];
    rig.bus.on('test', 'button', (e) => void buttons.push(e.action));
    const before = link.stats().dropped;

    const fuzzer = await mqtt.connectAsync(rig.url, { clientId: 'fuzzer', clean: true });
    const rand = rng(20261204);
    for (const topic of topics) {
      const kind = topic === t.glassesAvailability ? 'availability' : 'json';
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < PER_TOPIC; i++) sends.push(fuzzer.publishAsync(topic, malformed(rand, i, kind), { qos: 1 }));
      await Promise.all(sends);
    }
    const total = PER_TOPIC * topics.length;
    await expect.poll(() => link.stats().dropped - before, { timeout: 30_000, interval: 50 }).toBe(total);
    for (const topic of topics) expect(link.stats().droppedByTopic[topic]).toBe(PER_TOPIC);
    expect(drops.length).toBe(total);
    expect(buttons).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still up: the runtime's link is connected and the next valid press arrives.
    expect(link.connected).toBe(true);
    const press = rig.bus.once('test', 'button');
    await fuzzer.publishAsync(t.button, JSON.stringify({ type: 'button', action: 'press' }), { qos: 1 });
    expect((await press).action).toBe('press');
    expect((await rig.speech.queue.say({ text: 'Still here.', priority: 'answer' })).outcome).toBe('played');
    await fuzzer.endAsync();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
