import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { MnemoEventName, MnemoEvents } from '../../device/events.js';
import { loadSentenceEmbedder } from '../../device/voice/sentence.js';
import { createVoiceStage, type VoiceStage, type WakeWordDetector } from '../../device/voice/voice-stage.js';
import { SileroVad } from '../../models/vad/index.js';
import { testModelStore } from '../helpers/models.js';
import { espeak, PushMicrophone, ScriptedStt, silence } from './helpers/audio.js';
import { FakeClock, FakeWhisper, local, testMemory } from './helpers/fakes.js';

/* The voice stage on real speech (eSpeak NG) and the real Silero VAD; speech to text is scripted here (see stage-real for PocketSphinx). */

let vad: SileroVad;
let question: Int16Array;
beforeAll(async () => {
  vad = await SileroVad.load(testModelStore());
  question = espeak('where did I meet Ana');
});
afterAll(() => vad.dispose());

const VOICE_EVENTS: MnemoEventName[] = [
  'listen-start',
  'wake-word',
  'vad-end',
  'stt-start',
  'stt-end',
  'stt-error',
  'intent',
  'answer-start',
  'answer-end',
];

let mem: ReturnType<typeof testMemory>;
let bus: EventBus;
let events: Array<{ name: MnemoEventName; payload: MnemoEvents[MnemoEventName] }>;
let whisper: FakeWhisper;
let mic: PushMicrophone;
let stage: VoiceStage | undefined;
let abort: AbortController;

beforeEach(() => {
  const clock = new FakeClock(local(2026, 5, 20, 15));
  mem = testMemory(clock);
  mem.memory.encounters.start(mem.ids['Ana Lima'] as number, { source: 'face', place: 'the robotics meetup', at: local(2026, 3, 3) });
  bus = new EventBus();
  events = [];
  for (const name of VOICE_EVENTS) bus.on('test', name, (payload) => void events.push({ name, payload }));
  whisper = new FakeWhisper();
  mic = new PushMicrophone();
  abort = new AbortController();
});
afterEach(async () => {
  abort.abort();
  await stage?.stop();
  stage = undefined;
  mem.cleanup();
});

async function startStage(stt: ScriptedStt, wake?: WakeWordDetector, clock = new FakeClock(local(2026, 5, 20, 15))): Promise<VoiceStage> {
  const config = defaultConfig();
  stage = createVoiceStage({
    config,
    bus,
    memory: mem.memory,
    stt,
    vad,
    microphone: mic,
    whisper,
    wake,
    clock,
  });
  await stage.start(abort.signal);
  return stage;
}

const names = () => events.map((e) => e.name);

describe('voice stage', () => {
  it('push-to-talk: press, speech, silence -> one utterance, STT with the grammar, grounded answer whispered', async () => {
    const stt = new ScriptedStt(['where did i meet ana']);
    const s = await startStage(stt);
    bus.emit('button', { at: 0, action: 'press' });
    mic.feed(silence(0.3));
    mic.feed(question);
    mic.feed(silence(1.5));
    await mic.drained();
    await s.idle();
    expect(names()).toEqual(['listen-start', 'vad-end', 'stt-start', 'stt-end', 'intent', 'answer-start', 'answer-end']);
    expect(events[0]?.payload).toMatchObject({ trigger: 'button' });
    expect(events[1]?.payload).toMatchObject({ reason: 'silence' });
    expect(stt.calls).toHaveLength(1);
    expect(stt.calls[0]?.samples).toBeGreaterThan(question.length * 0.8);
    expect(stt.calls[0]?.names).toEqual(expect.arrayContaining(['ana lima', 'ana']));
    expect(whisper.said).toHaveLength(1);
    expect(whisper.said[0]).toMatchObject({ text: 'You met Ana Lima at the robotics meetup on March 3rd.', priority: 'answer' });
    const end = events.find((e) => e.name === 'answer-end')?.payload as MnemoEvents['answer-end'];
    expect(end.memoryIds.length).toBeGreaterThan(0);
    for (const id of end.memoryIds) expect(mem.memory.exists(id)).toBe(true);
    expect(mem.memory.utterances.recent(1)[0]?.text).toBe('where did i meet ana');
  });

  it('hears nothing without a press or a wake word', async () => {
    const stt = new ScriptedStt([]);
    await startStage(stt);
    mic.feed(question);
    mic.feed(silence(1.2));
    await mic.drained();
    await stage?.idle();
    expect(events).toEqual([]);
    expect(stt.calls).toEqual([]);
  });

  it('a release ends the utterance at once', async () => {
    const stt = new ScriptedStt(['who is this']);
    const s = await startStage(stt);
    bus.emit('button', { at: 0, action: 'press' });
    mic.feed(question);
    await mic.drained();
    bus.emit('button', { at: 0, action: 'release' });
    await s.idle();
    expect(events.find((e) => e.name === 'vad-end')?.payload).toMatchObject({ reason: 'release' });
    expect(whisper.said[0]?.text).toBe("I can't see anyone right now.");
  });

  it('a wake word opens listening', async () => {
    let fed = 0;
    const wake: WakeWordDetector = {
      model: 'hey_jarvis',
      push: async () => (++fed === 3 ? 0.97 : null),
      reset: () => {},
    };
    const stt = new ScriptedStt(['louder']);
    const s = await startStage(stt, wake);
    mic.feed(silence(0.3));
    mic.feed(question);
    mic.feed(silence(1.5));
    await mic.drained();
    await s.idle();
    expect(names().slice(0, 3)).toEqual(['wake-word', 'listen-start', 'vad-end']);
    expect(events[1]?.payload).toMatchObject({ trigger: 'wake-word' });
    expect(whisper.volume()).toBeCloseTo(0.65);
  });

  it('a wake word with no speech after it gives up after the wake window', async () => {
    const clock = new FakeClock(local(2026, 5, 20, 15));
    let fed = 0;
    const wake: WakeWordDetector = { model: 'hey_jarvis', push: async () => (++fed === 2 ? 0.9 : null), reset: () => {} };
    await startStage(new ScriptedStt([]), wake, clock);
    mic.feed(silence(1));
    await mic.drained();
    clock.advance(6000);
    mic.feed(silence(0.5));
    await mic.drained();
    expect(names()).toEqual(['wake-word', 'listen-start', 'vad-end']);
    expect(events[2]?.payload).toMatchObject({ samples: 0 });
    mic.feed(question);
    mic.feed(silence(1.2));
    await mic.drained();
    await stage?.idle();
    expect(names()).toHaveLength(3);
  });

  it('an empty transcript gets "didn\'t catch that"; an STT failure is an stt-error and a spoken apology', async () => {
    const stt = new ScriptedStt(['']);
    const s = await startStage(stt);
    for (let i = 0; i < 2; i++) {
      bus.emit('button', { at: 0, action: 'press' });
      mic.feed(question);
      await mic.drained();
      bus.emit('button', { at: 0, action: 'release' });
      await s.idle();
    }
    expect(whisper.said.map((w) => w.text)).toEqual(["Sorry, I didn't catch that.", "Sorry, I couldn't understand that."]);
    expect(names()).toContain('stt-error');
    expect(mem.memory.utterances.recent()).toEqual([]);
  });

  it('the example classifier joins after start and answers phrasings no rule knows', async () => {
    const embedder = await loadSentenceEmbedder(testModelStore());
    const config = defaultConfig();
    stage = createVoiceStage({
      config,
      bus,
      memory: mem.memory,
      stt: new ScriptedStt([]),
      vad,
      microphone: mic,
      whisper,
      embedder,
      clock: new FakeClock(local(2026, 5, 20, 15)),
    });
    await stage.start(abort.signal);
    expect(await stage.classifierReady()).toBe(true);
    const r = await stage.handleText('where did Ana and I cross paths');
    expect(r.recognition).toMatchObject({ intent: 'where-met', via: 'examples', slots: { name: 'Ana Lima' } });
    expect(r.answer.text).toBe('You met Ana Lima at the robotics meetup on March 3rd.');
  });

  it('handleText runs the same path for typed text', async () => {
    const s = await startStage(new ScriptedStt([]));
    const r = await s.handleText("Where'd I meet Ana?");
    expect(r.recognition.intent).toBe('where-met');
    expect(whisper.said[0]?.text).toBe(r.answer.text);
  });
});
