import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { createVoiceStage, type VoiceStage } from '../../device/voice/voice-stage.js';
import { createSpeechToText } from '../../models/stt/index.js';
import { SileroVad } from '../../models/vad/index.js';
import { OpenWakeWord, WakeTrigger } from '../../models/wake/index.js';
import { testModelStore } from '../helpers/models.js';
import { espeak, PushMicrophone, silence } from './helpers/audio.js';
import { FakeClock, FakeWhisper, local, testMemory } from './helpers/fakes.js';

/*
 * Hands-free: the real openWakeWord "hey jarvis" model opens listening, the VAD
 * ends the question on silence, PocketSphinx hears it with the grammar. The wake
 * phrase itself does not reach speech to text.
 */

const clock = new FakeClock(local(2026, 5, 20, 15));
let mem: ReturnType<typeof testMemory>;
let stage: VoiceStage;
let vad: SileroVad;
const bus = new EventBus();
const whisper = new FakeWhisper();
const mic = new PushMicrophone();
const abort = new AbortController();

beforeAll(async () => {
  mem = testMemory(clock);
  mem.memory.encounters.start(mem.ids['Ana Lima'] as number, { source: 'face', place: 'the robotics meetup', at: local(2026, 3, 3) });
  const config = defaultConfig();
  config.voice.stt = 'pocketsphinx';
  config.voice.wakeWord.enabled = true;
  const store = testModelStore();
  vad = await SileroVad.load(store);
  const wake = new WakeTrigger(await OpenWakeWord.load(store, config.voice.wakeWord.model), config.voice.wakeWord.threshold);
  const stt = await createSpeechToText(config, store);
  stage = createVoiceStage({ config, bus, memory: mem.memory, stt, vad, microphone: mic, whisper, wake, clock });
  await stage.start(abort.signal);
});

afterAll(async () => {
  abort.abort();
  await stage?.stop();
  await vad?.dispose();
  mem?.cleanup();
});

describe('voice stage with the wake word', () => {
  it('"hey jarvis ... where did I meet Ana" is answered without a button', async () => {
    const listening = bus.once('test', 'listen-start');
    const heard = bus.once('test', 'stt-end');
    const answered = bus.once('test', 'answer-end');
    mic.feed(silence(1));
    mic.feed(espeak('hey jarvis'));
    mic.feed(silence(0.6));
    mic.feed(espeak('where did I meet Ana'));
    mic.feed(silence(1.5));
    await mic.drained();
    expect((await listening).trigger).toBe('wake-word');
    expect((await heard).transcript).toBe('where did i meet ana');
    expect((await answered).text).toBe('You met Ana Lima at the robotics meetup on March 3rd.');
  });

  it('speech without the wake word is not listened to', async () => {
    let opened = 0;
    bus.on('test2', 'listen-start', () => void opened++);
    mic.feed(espeak('where did I meet Ana'));
    mic.feed(silence(1.5));
    await mic.drained();
    await stage.idle();
    expect(opened).toBe(0);
  });
});
