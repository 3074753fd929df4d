import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { MnemoEvents } from '../../device/events.js';
import { createVoiceStage, type VoiceStage } from '../../device/voice/voice-stage.js';
import { createSpeechToText } from '../../models/stt/index.js';
import { SileroVad } from '../../models/vad/index.js';
import { testModelStore } from '../helpers/models.js';
import { flite } from './audio-synth.js';
import { espeak, PushMicrophone, silence } from './helpers/audio.js';
import { enrollInto, FakeClock, FakeFaces, FakeWhisper, local, testMemory } from './helpers/fakes.js';

/*
 * The whole voice path on real parts: eSpeak NG speech, Silero VAD, PocketSphinx
 * with the command grammar built from the names in a real memory file, intent and
 * grounded answer. Only the whisper sink and the faces in view are fakes.
 */

const clock = new FakeClock(local(2026, 5, 20, 15));
let mem: ReturnType<typeof testMemory>;
let stage: VoiceStage;
let vad: SileroVad;
let faces: FakeFaces;
const bus = new EventBus();
const whisper = new FakeWhisper();
const mic = new PushMicrophone();
const abort = new AbortController();

beforeAll(async () => {
  mem = testMemory(clock);
  const ana = mem.ids['Ana Lima'] as number;
  mem.memory.encounters.start(ana, { source: 'face', place: 'the robotics meetup', at: local(2026, 3, 3) });
  mem.memory.notes.add({ personId: mem.ids['José Martínez'] as number, text: 'teaches salsa on Fridays' });
  const config = defaultConfig();
  config.voice.stt = 'pocketsphinx';
  const store = testModelStore();
  vad = await SileroVad.load(store);
  const stt = await createSpeechToText(config, store);
  faces = new FakeFaces({ inView: () => ({ personId: ana, trackId: 't1' }), enroll: enrollInto(mem.memory) });
  stage = createVoiceStage({ config, bus, memory: mem.memory, stt, vad, microphone: mic, whisper, faces, clock });
  await stage.start(abort.signal);
});

afterAll(async () => {
  abort.abort();
  await stage?.stop();
  await vad?.dispose();
  mem?.cleanup();
});

async function askAloud(
  text: string,
  speech: Int16Array = espeak(text),
): Promise<{ heard: MnemoEvents['stt-end']; answer: MnemoEvents['answer-end'] }> {
  const heard = bus.once('test', 'stt-end');
  const answer = bus.once('test', 'answer-end');
  bus.emit('button', { at: 0, action: 'press' });
  mic.feed(silence(0.3));
  mic.feed(speech);
  mic.feed(silence(1.2));
  await mic.drained();
  bus.emit('button', { at: 0, action: 'release' });
  return { heard: await heard, answer: await answer };
}

describe('voice stage on real speech and PocketSphinx', () => {
  it('"where did I meet Ana" is heard with the grammar and answered with the place and date from memory', async () => {
    const { heard, answer } = await askAloud('where did I meet Ana');
    expect(heard.transcript).toBe('where did i meet ana');
    expect(answer.text).toBe('You met Ana Lima at the robotics meetup on March 3rd.');
    for (const id of answer.memoryIds) expect(mem.memory.exists(id)).toBe(true);
    expect(whisper.said.at(-1)).toMatchObject({ text: answer.text, priority: 'answer' });
  });

  it('a name with an accent in memory is recognised from plain speech', async () => {
    const { heard, answer } = await askAloud('what do I know about Jose');
    expect(heard.transcript).toBe('what do i know about jose');
    expect(answer.text).toContain('José Martínez');
    expect(answer.text).toMatch(/teaches salsa on Fridays/i);
  });

  it('"this is Tom, he runs the bakery" (Flite) enrolls the face in view as Tom with the note', async () => {
    mem.memory.people.forget(mem.ids['Tom Baker'] as number);
    const { heard, answer } = await askAloud('this is Tom, he runs the bakery', await flite('this is Tom, he runs the bakery', 'rms'));
    expect(heard.transcript).toBe('this is tom he runs the bakery');
    expect(faces.enrollCalls.at(-1)).toEqual({ name: 'Tom', context: { note: 'runs the bakery' } });
    expect(answer.text).toBe('Got it, this is Tom. Noted: runs the bakery.');
  });
});
