import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { GlassesLink } from '../../hardware/glasses-link/index.js';
import { type Mosquitto, type Rig, readWavHeader, startMosquitto, startRig, testConfig } from './helpers.js';

/*
 * The same link on a real external broker: Debian's mosquitto, started here on a
 * free loopback port with a password file and an ACL in which the glasses' user may
 * publish only its own topics (mnemo/<device>/glasses/#).
 */

const DEVICE = 'test-glasses';
const USERS = { mnemo: 'runtime-secret', glasses: 'glasses-secret' };
let broker: Mosquitto;
let rig: Rig | undefined;
let out: string;

beforeAll(async () => {
  broker = await startMosquitto(DEVICE, USERS);
  out = mkdtempSync(join(tmpdir(), 'mnemo-mosq-wav-'));
});

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

afterAll(async () => {
  await broker?.stop();
  rmSync(out, { recursive: true, force: true });
});

function mosquittoConfig(over: Parameters<typeof testConfig>[0] = {}) {
  return testConfig({ ...over, mqtt: { embedded: false, url: broker.url, username: 'mnemo', password: USERS.mnemo } });
}

async function mosquittoRig(over: Parameters<typeof testConfig>[0] = {}, realtime = false): Promise<Rig> {
  return startRig({
    config: mosquittoConfig(over),
    glasses: { access: { url: broker.url, username: 'glasses', password: USERS.glasses }, realtime, out },
  });
}

describe('glasses link on mosquitto with a password file and an ACL', () => {
  it('a whisper arrives as a valid WAV of the synthesised length; played comes back', async () => {
    rig = await mosquittoRig();
    const end = rig.bus.once('test', 'speech-end');
    const r = await rig.speech.queue.say({ text: 'Ana Lima. Met at the robotics meetup.', priority: 'recall' });
    expect(r.outcome).toBe('played');
    const s = await rig.glasses.nextStream((x) => x.streamId === r.streamId);
    expect(s.samples).toBe((await end).samples);
    const header = readWavHeader(readFileSync(s.wavPath as string));
    expect(header).toMatchObject({ rate: 16_000, channels: 1, bits: 16, dataBytes: s.samples * 2 });
  });

  it('an answer interrupts a recall; the last will marks crashed glasses offline', async () => {
    rig = await mosquittoRig({}, true);
    const q = rig.speech.queue;
    const first = rig.bus.once('test', 'audio-first-chunk');
    const recall = q.say({ text: 'Bob Stone. Builds wooden boats. His daughter is Mia. He owes you a coffee.', priority: 'recall' });
    await first;
    const answer = q.say({ text: 'It is half past four.', priority: 'answer' });
    expect((await recall).outcome).toBe('interrupted');
    expect((await answer).outcome).toBe('played');
    expect(rig.glasses.streams.map((s) => s.reason)).toEqual(['interrupted', 'end']);

    const offline = rig.bus.once('test', 'glasses-offline');
    rig.glasses.crash();
    await offline;
    expect(rig.speech.glasses.link.glassesOnline).toBe(false);
  });

  it('the glasses user cannot publish audio or the runtime availability; its own topics pass', async () => {
    rig = await mosquittoRig();
    const spy = await mqtt.connectAsync(broker.url, { username: 'mnemo', password: USERS.mnemo, clientId: 'spy' });
    const seen: string[] = [];
    spy.on('message', (topic, payload) => void seen.push(`${topic}=${payload.toString().slice(0, 40)}`));
    await spy.subscribeAsync(`mnemo/${DEVICE}/#`, { qos: 1 });
    const intruder = await mqtt.connectAsync(broker.url, { username: 'glasses', password: USERS.glasses, clientId: 'intruder' });
    const t = rig.speech.glasses.link.topics;
    await intruder.publishAsync(t.audioStart('evil'), '{"type":"audio-start"}', { qos: 1 });
    await intruder.publishAsync(t.runtimeAvailability, 'offline', { qos: 1, retain: true });
    await intruder.publishAsync(`mnemo/other-device/glasses/button`, '{"type":"button","action":"press"}', { qos: 1 });
    const press = rig.bus.once('test', 'button');
    await intruder.publishAsync(t.button, JSON.stringify({ type: 'button', action: 'double-press' }), { qos: 1 });
    expect((await press).action).toBe('double-press');
    await expect.poll(() => seen.some((m) => m.startsWith(`${t.button}=`))).toBe(true);
    expect(seen.filter((m) => m.startsWith(t.audioStart('evil')))).toEqual([]);
    // Only mnemo's own retained "online" (sent on subscribe); the intruder's "offline" never got through.
    expect(seen.filter((m) => m.startsWith(`${t.runtimeAvailability}=`))).toEqual([`${t.runtimeAvailability}=online`]);
    expect(rig.speech.glasses.link.connected).toBe(true);
    await Promise.all([spy.endAsync(), intruder.endAsync()]);
  });

  it('a wrong password is a clear mqtt-unavailable error', async () => {
    const link = new GlassesLink({
      access: { url: broker.url, username: 'mnemo', password: 'wrong' },
      deviceId: DEVICE,
      connectTimeoutMs: 3000,
    });
    const err = await link.start().catch((e: unknown) => e);
    expect(isMnemoError(err, 'mqtt-unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/Not authorized|Bad username|password/i);
  });
});
