import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MnemoEventName, MnemoEvents } from '../../device/events.js';
import { createTextToSpeech, splitSentences, type TextToSpeech } from '../../models/tts/engines.js';
import { type Rig, readWavHeader, startRig, testConfig } from './helpers.js';

const RECALL = 'Ana Lima. Met at the robotics meetup, March 3rd. Works on drones.';
const LONG_RECALL =
  'Bob Stone. You met him at the harbour festival last summer. He builds wooden boats by hand. ' +
  'His daughter is called Mia and she plays the violin. He owes you a coffee.';

let out: string;
let reference: TextToSpeech;
let rig: Rig | undefined;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'mnemo-glasses-'));
  reference = createTextToSpeech('flite');
  await reference.load();
});

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

afterAll(async () => {
  await reference.dispose();
  rmSync(out, { recursive: true, force: true });
});

function record(r: Rig, names: MnemoEventName[]): Array<{ name: MnemoEventName; payload: MnemoEvents[MnemoEventName] }> {
  const seen: Array<{ name: MnemoEventName; payload: MnemoEvents[MnemoEventName] }> = [];
  for (const name of names) r.bus.on('test-recorder', name, (payload) => void seen.push({ name, payload }));
  return seen;
}

describe('glasses link on a real aedes broker', () => {
  it('delivers a whisper as a WAV as long as the synthesised PCM, and played comes back', async () => {
    rig = await startRig({ glasses: { out } });
    const events = record(rig, ['speech-start', 'audio-first-chunk', 'speech-end', 'audio-played']);
    const result = await rig.speech.queue.say({ text: RECALL, priority: 'recall' });
    expect(result.outcome).toBe('played');

    const stream = await rig.glasses.nextStream((s) => s.streamId === result.streamId);
    expect(stream.text).toBe(RECALL);
    expect(stream.reason).toBe('end');
    const wav = readFileSync(stream.wavPath as string);
    const header = readWavHeader(wav);
    expect(header).toMatchObject({ rate: 16_000, channels: 1, bits: 16 });

    // The same sentences synthesised independently: the glasses got every sample.
    let expected = 0;
    for (const s of splitSentences(RECALL)) expected += (await reference.synthesize(s)).length;
    expect(header.dataBytes / 2).toBe(expected);
    expect(stream.durationMs).toBeCloseTo((expected / 16_000) * 1000, 5);

    expect(events.map((e) => e.name)).toEqual(['speech-start', 'audio-first-chunk', 'speech-end', 'audio-played']);
    const end = events[2]?.payload as MnemoEvents['speech-end'];
    expect(end.samples).toBe(expected);
    expect(rig.speech.queue.lastText()).toBe(RECALL);
    expect(rig.speech.queue.isSpeaking()).toBe(false);
  });

  it('an answer interrupts a recall with audio-stop; a recall waits behind an answer', async () => {
    rig = await startRig({
      config: testConfig({ speech: { recallStaleMs: 60_000 } }),
      glasses: { realtime: true },
    });
    const q = rig.speech.queue;
    const stopped = record(rig, ['audio-stopped']);
    const recallFirstChunk = rig.bus.once('test', 'audio-first-chunk');
    const recall = q.say({ text: LONG_RECALL, priority: 'recall' });
    await recallFirstChunk;
    expect(q.isSpeaking()).toBe(true);
    const answer = q.say({ text: 'You met Bob at the harbour festival.', priority: 'answer' });
    const laterRecall = q.say({ text: 'Carla Diaz. Your dentist.', priority: 'recall' });

    const r1 = await recall;
    expect(r1.outcome).toBe('interrupted');
    const cut = await rig.glasses.nextStream((s) => s.streamId === r1.streamId);
    expect(cut.reason).toBe('interrupted');
    expect(stopped.map((e) => (e.payload as MnemoEvents['audio-stopped']).streamId)).toContain(r1.streamId);

    const r2 = await answer;
    expect(r2.outcome).toBe('played');
    const r3 = await laterRecall;
    expect(r3.outcome).toBe('played');
    const order = rig.glasses.streams.map((s) => s.text);
    expect(order).toEqual([LONG_RECALL, 'You met Bob at the harbour festival.', 'Carla Diaz. Your dentist.']);
  });

  it('a system message beats an answer; equal priority does not interrupt', async () => {
    rig = await startRig({ glasses: { realtime: true } });
    const q = rig.speech.queue;
    const first = rig.bus.once('test', 'audio-first-chunk');
    const a1 = q.say({ text: LONG_RECALL, priority: 'answer' });
    await first;
    const a2 = q.say({ text: 'A second answer.', priority: 'answer' });
    const sys = q.say({ text: 'Pairing code 4 7 1 9.', priority: 'system' });
    expect((await a1).outcome).toBe('interrupted');
    expect((await sys).outcome).toBe('played');
    expect((await a2).outcome).toBe('played');
    expect(rig.glasses.streams.map((s) => s.text)).toEqual([LONG_RECALL, 'Pairing code 4 7 1 9.', 'A second answer.']);
  });

  it('a recall that waited too long behind an answer is dropped as stale', async () => {
    rig = await startRig({ config: testConfig({ speech: { recallStaleMs: 200 } }), glasses: { realtime: true } });
    const q = rig.speech.queue;
    const first = rig.bus.once('test', 'audio-first-chunk');
    const answer = q.say({ text: 'You met Bob at the harbour festival.', priority: 'answer' });
    await first;
    const recall = q.say({ text: RECALL, priority: 'recall' });
    expect((await answer).outcome).toBe('played');
    expect(await recall).toMatchObject({ outcome: 'dropped', reason: 'stale' });
  });

  it('a synthesis failure stops the stream cleanly and the queue goes on', async () => {
    const real = createTextToSpeech('flite');
    let calls = 0;
    // A fake engine around the real one: the second sentence fails.
    const flaky: TextToSpeech = {
      engine: 'flite',
      voice: real.voice,
      load: () => real.load(),
      dispose: () => real.dispose(),
      synthesize: async (text, o) => {
        calls++;
        if (calls === 2) throw new Error('engine fell over');
        return real.synthesize(text, o);
      },
    };
    rig = await startRig({ tts: flaky });
    const errors: string[] = [];
    rig.bus.on('test', 'speech-error', (e) => void errors.push(e.error));
    const r = await rig.speech.queue.say({ text: 'First sentence. Second sentence.', priority: 'answer' });
    expect(r.outcome).toBe('stopped');
    expect(r.reason).toMatch(/^tts-failed: engine fell over/);
    expect(errors).toEqual(['engine fell over']);
    expect((await rig.glasses.nextStream((s) => s.streamId === r.streamId)).reason).toBe('cancelled');
    expect((await rig.speech.queue.say({ text: 'Third time lucky.', priority: 'answer' })).outcome).toBe('played');
  });

  it('drops a duplicate recall, says an answer again, and cuts text to maxChars', async () => {
    rig = await startRig({ config: testConfig({ speech: { maxChars: 60 } }) });
    const q = rig.speech.queue;
    const short = 'Ana Lima. Works on drones.';
    const [r1, r2] = await Promise.all([q.say({ text: short, priority: 'recall' }), q.say({ text: short, priority: 'recall' })]);
    expect(r1.outcome).toBe('played');
    expect(r2).toMatchObject({ outcome: 'dropped', reason: 'duplicate' });
    // Finished, but within dedupeSeconds: the same words again (case and punctuation aside) are not repeated.
    const again = await q.say({ text: 'ana lima works on drones', priority: 'recall' });
    expect(again).toMatchObject({ outcome: 'dropped', reason: 'duplicate' });

    expect((await q.say({ text: 'It is Tuesday.', priority: 'answer' })).outcome).toBe('played');
    expect((await q.say({ text: 'It is Tuesday.', priority: 'answer' })).outcome).toBe('played');

    const long = await q.say({ text: LONG_RECALL, priority: 'answer' });
    const s = await rig.glasses.nextStream((x) => x.streamId === long.streamId);
    expect(s.text.length).toBeLessThanOrEqual(60);
    expect(LONG_RECALL.startsWith(s.text)).toBe(true);
    expect(s.text).toBe('Bob Stone. You met him at the harbour festival last summer.');
  });

  it('the last will marks crashed glasses offline: recalls are dropped, answers wait for them', async () => {
    rig = await startRig();
    const q = rig.speech.queue;
    const offline = rig.bus.once('test', 'glasses-offline');
    rig.glasses.crash();
    await offline;
    expect(rig.speech.glasses.link.glassesOnline).toBe(false);

    expect(await q.say({ text: RECALL, priority: 'recall' })).toMatchObject({ outcome: 'dropped', reason: 'offline' });
    const waiting = q.say({ text: 'You parked on level two.', priority: 'answer' });
    const online = rig.bus.once('test', 'glasses-online');
    await rig.glasses.start();
    await online;
    expect((await waiting).outcome).toBe('played');

    const offline2 = rig.bus.once('test', 'glasses-offline');
    rig.glasses.crash();
    await offline2;
    expect(await q.say({ text: 'Nobody hears this.', priority: 'answer' })).toMatchObject({ outcome: 'dropped', reason: 'offline' });
  });

  it('button, battery, battery-low and volume cross the link', async () => {
    rig = await startRig({ glasses: { battery: { percent: 50, charging: false } } });
    const button = rig.bus.once('test', 'button');
    await rig.glasses.press('long-press');
    expect((await button).action).toBe('long-press');

    const lows: number[] = [];
    rig.bus.on('test', 'battery-low', (e) => void lows.push(e.percent));
    const battery = rig.bus.once('test', 'battery', (e) => e.percent === 9);
    await rig.glasses.setBattery(12);
    await rig.glasses.setBattery(9);
    await battery;
    expect(lows).toEqual([12]);
    expect(rig.speech.glasses.link.battery()).toMatchObject({ percent: 9, charging: false });

    const vol = new Promise<number>((resolve) => rig?.glasses.once('volume', resolve));
    rig.speech.queue.setVolume(0.3);
    expect(await vol).toBeCloseTo(0.3);
    expect(rig.speech.queue.volume()).toBeCloseTo(0.3);
  });
});
