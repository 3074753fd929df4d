import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnswerContext, answerIntent } from '../../device/answers/answerer.js';
import { Conversation } from '../../device/answers/conversation.js';
import { spokenDate } from '../../device/answers/dates.js';
import { learnedExamples } from '../../device/intents/learned.js';
import { IntentRecognizer } from '../../device/intents/recognizer.js';
import { enrollInto, FakeClock, FakeFaces, FakePairing, FakeWhisper, local, testMemory } from './helpers/fakes.js';

/* The intents that act: remember, enroll, forget (with a spoken yes), phones, volume, length, repeat. */

let clock: FakeClock;
let mem: ReturnType<typeof testMemory>;
let conversation: Conversation;

beforeEach(() => {
  clock = new FakeClock(local(2026, 5, 20, 15));
  mem = testMemory(clock);
  conversation = new Conversation(15_000);
});
afterEach(() => mem.cleanup());

async function say(text: string, extra: Partial<AnswerContext> = {}) {
  const rec = await new IntentRecognizer({ people: () => mem.memory.people.list() }).recognize(text);
  const answer = await answerIntent(rec, text, { memory: mem.memory, clock, conversation, ...extra });
  conversation.remember(answer);
  return { rec, answer };
}

describe('actions', () => {
  it('"this is Tom he runs the bakery" enrolls the face in view as Tom with the note', async () => {
    mem.memory.people.forget(mem.ids['Tom Baker'] as number);
    const faces = new FakeFaces({ enroll: enrollInto(mem.memory) });
    const { rec, answer } = await say('this is Tom he runs the bakery', { faces });
    expect(rec).toMatchObject({ intent: 'enroll', slots: { name: 'Tom', note: 'runs the bakery' } });
    expect(faces.enrollCalls).toEqual([{ name: 'Tom', context: { note: 'runs the bakery' } }]);
    const tom = mem.memory.people.findByName('Tom');
    expect(tom?.name).toBe('Tom');
    const note = mem.memory.notes.forPerson(tom?.id as number)[0];
    expect(note?.text).toBe('runs the bakery');
    expect(answer.text).toBe('Got it, this is Tom. Noted: runs the bakery.');
    expect(answer.memoryIds).toEqual(expect.arrayContaining([`person:${tom?.id}`, `note:${note?.id}`]));
  });

  it('a failed enrollment does not speak the name it was not able to store', async () => {
    const faces = new FakeFaces({ enroll: async () => ({ ok: false, reason: 'no-face', message: 'no face' }) });
    const { answer } = await say('this is Priya', { faces });
    expect(answer.text).not.toContain('Priya');
    expect(mem.memory.people.findByName('Priya')).toBeUndefined();
  });

  it('"remember that Ana\'s daughter is Mia" stores a note on Ana, citing the utterance', async () => {
    const utterance = mem.memory.utterances.add("Remember that Ana's daughter is Mia.");
    const { answer } = await say("Remember that Ana's daughter is Mia.", { utteranceId: utterance.id });
    const notes = mem.memory.notes.forPerson(mem.ids['Ana Lima'] as number);
    expect(notes.map((n) => [n.text, n.utteranceId])).toEqual([["Ana's daughter is Mia", utterance.id]]);
    expect(answer.text).toBe('Okay, noted for Ana Lima.');
    expect(answer.memoryIds).toContain(`note:${notes[0]?.id}`);
  });

  it('"remember that he plays the cello" goes to the person in view; with no one in view it is a general note', async () => {
    const bob = mem.ids.Bob as number;
    await say('remember that he plays the cello', { faces: new FakeFaces({ inView: () => ({ personId: bob, trackId: 't' }) }) });
    expect(mem.memory.notes.forPerson(bob).map((n) => n.text)).toEqual(['he plays the cello']);
    const { answer } = await say('remember that she likes jazz', { faces: new FakeFaces({ inView: () => null }) });
    expect(answer.text).toBe('Okay, noted.');
  });

  it('"forget Bob" asks for a spoken yes, then forgets every trace; the name is not spoken after', async () => {
    const bob = mem.ids.Bob as number;
    const ask = await say('forget Bob');
    expect(ask.answer.text).toBe('Forget Bob and everything about them? Say yes to confirm.');
    expect(mem.memory.people.get(bob)).toBeDefined();
    const done = await say('yes');
    expect(done.answer.text).toBe('Done. I have forgotten them.');
    expect(mem.memory.people.get(bob)).toBeUndefined();
    expect(done.answer.memoryIds).toEqual([]);
    // "repeat that" must not bring the forgotten name back.
    expect((await say('repeat that')).answer.text).toBe('Done. I have forgotten them.');
  });

  it('a "no", a timeout or another question cancels a pending forget', async () => {
    const bob = mem.ids.Bob as number;
    await say('forget Bob');
    expect((await say('no')).answer.text).toBe('Okay, cancelled.');
    await say('forget Bob');
    clock.advance(16_000);
    expect((await say('yes')).answer.text).toBe('That question timed out. Please ask again.');
    await say('forget Bob');
    await say('where did I meet Ana');
    expect((await say('yes')).answer.text).toBe('There is nothing to confirm.');
    expect(mem.memory.people.get(bob)).toBeDefined();
  });

  it('pairs and unpairs phones; the pairing code is a system whisper, digit by digit', async () => {
    const pairing = new FakePairing({ code: '481526', phones: 2 });
    const pair = await say('pair my phone', { pairing });
    expect(pair.answer).toMatchObject({ text: 'Your pairing code is 4 8 1 5 2 6.', priority: 'system' });
    expect((await say('unpair all phones', { pairing })).answer.text).toBe('Unpaired 2 phones.');
    expect(pairing.revoked).toBe(2);
  });

  it('louder and quieter change the glasses volume within bounds', async () => {
    const whisper = new FakeWhisper(0.5);
    await say('louder please', { whisper });
    expect(whisper.volume()).toBeCloseTo(0.65);
    await say('turn it down a bit', { whisper });
    await say('quieter', { whisper });
    expect(whisper.volume()).toBeCloseTo(0.35);
    whisper.setVolume(1);
    expect((await say('speak up', { whisper })).answer.text).toBe('That is as loud as I go.');
  });

  it('shorter / more detail change the profile length and answers follow it', async () => {
    const ana = mem.ids['Ana Lima'] as number;
    mem.memory.encounters.start(ana, { source: 'face', place: 'the robotics meetup', at: local(2026, 3, 3) });
    mem.memory.notes.add({ personId: ana, text: 'works on drones' });
    mem.memory.notes.add({ personId: ana, text: 'has a daughter called Mia' });
    await say('shorter');
    expect(mem.memory.profile.get().length).toBe('short');
    expect((await say('what do I know about Ana')).answer.text.split('. ')).toHaveLength(2);
    await say('more detail');
    await say('more detail');
    expect(mem.memory.profile.get().length).toBe('detailed');
    const long = (await say('what do I know about Ana')).answer;
    expect(long.text).toMatch(/works on drones/i);
    expect(long.text).toContain('Mia');
    expect(long.memoryIds.filter((id) => id.startsWith('note:'))).toHaveLength(2);
  });

  it('a confirmed "did you mean" phrasing is learned into the profile and exported with it', async () => {
    const rec = {
      intent: 'where-met' as const,
      slots: { name: 'Bob', personId: String(mem.ids.Bob) },
      via: 'examples' as const,
      score: 0.65,
      cleaned: 'x',
      decision: 'ask' as const,
    };
    const q = await answerIntent(rec, 'where did Bob and I cross paths', { memory: mem.memory, clock, conversation });
    expect(q.text).toBe('Did you mean: where you met Bob? Say yes or no.');
    await say('yes');
    expect(learnedExamples(mem.memory.profile).map((e) => [e.text, e.intent])).toEqual([
      ['where did {name} and I cross paths', 'where-met'],
    ]);
    expect(JSON.stringify(mem.memory.export().profile)).toContain('cross paths');
  });
});

describe('spoken dates', () => {
  const now = local(2026, 5, 20, 15);
  it.each([
    [local(2026, 5, 20, 8), 'today'],
    [local(2026, 5, 19, 23), 'yesterday'],
    [local(2026, 5, 16), 'on Saturday'],
    [local(2026, 3, 3), 'on March 3rd'],
    [local(2026, 1, 1), 'on January 1st'],
    [local(2026, 4, 22), 'on April 22nd'],
    [local(2026, 4, 12), 'on April 12th'],
    [local(2025, 12, 31), 'on December 31st, 2025'],
  ])('%s -> %s', (at, text) => expect(spokenDate(at, now)).toBe(text));
});
