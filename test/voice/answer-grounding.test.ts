import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerIntent, SAY } from '../../device/answers/answerer.js';
import { Conversation } from '../../device/answers/conversation.js';
import { IntentRecognizer } from '../../device/intents/recognizer.js';
import type { SqliteMemory } from '../../memory/index.js';
import { DEV } from './fixtures/dev-phrasings.js';
import { HELD_OUT } from './fixtures/heldout-phrasings.js';
import { HELD_OUT_2 } from './fixtures/heldout2-phrasings.js';
import { HELD_OUT_3 } from './fixtures/heldout3-phrasings.js';
import { enrollInto, FakeClock, FakeFaces, FakePairing, FakePersonalModel, FakeWhisper, local, testMemory } from './helpers/fakes.js';

/* Grounded answers on a real memory file: what is said comes from rows, cites them, and never names a stranger. */

let clock: FakeClock;
let mem: ReturnType<typeof testMemory>;
let memory: SqliteMemory;

beforeEach(() => {
  clock = new FakeClock(local(2026, 5, 20, 15));
  mem = testMemory(clock);
  memory = mem.memory;
  const ana = mem.ids['Ana Lima'] as number;
  memory.encounters.start(ana, { source: 'face', place: 'the robotics meetup', at: local(2026, 3, 3, 19) });
  memory.encounters.start(ana, { source: 'face', place: 'the bakery', at: local(2026, 5, 18, 9) });
  memory.notes.add({ personId: ana, text: 'works on drones' });
  memory.encounters.start(mem.ids['Tom Baker'] as number, { source: 'voice', context: 'introduced by Ana', at: local(2025, 11, 2) });
});
afterEach(() => mem.cleanup());

function ctx(extra: Partial<Parameters<typeof answerIntent>[2]> = {}) {
  return { memory, clock, conversation: new Conversation(15_000), ...extra };
}

async function ask(text: string, extra: Partial<Parameters<typeof answerIntent>[2]> = {}) {
  const rec = await new IntentRecognizer({ people: () => memory.people.list() }).recognize(text);
  return { rec, answer: await answerIntent(rec, text, ctx(extra)) };
}

describe('grounded answers', () => {
  it('"where did I meet Ana" names the place and the date of the first encounter, citing it', async () => {
    const { rec, answer } = await ask('where did I meet Ana');
    expect(rec.intent).toBe('where-met');
    expect(answer.text).toBe('You met Ana Lima at the robotics meetup on March 3rd.');
    const first = memory.encounters.forPerson(mem.ids['Ana Lima'] as number).find((e) => e.place === 'the robotics meetup');
    expect(answer.memoryIds).toContain(`encounter:${first?.id}`);
    expect(answer.memoryIds).toContain(`person:${mem.ids['Ana Lima']}`);
  });

  it('"when did I last see Ana" uses the latest encounter, spoken naturally', async () => {
    const { answer } = await ask("when's the last time I saw ana?");
    expect(answer.text).toBe('You last saw Ana Lima on Monday at the bakery.');
  });

  it('an encounter in another year says the year; one without a place says its context', async () => {
    const { answer } = await ask('where did I meet Tom');
    expect(answer.text).toBe('You met Tom Baker on November 2nd, 2025: introduced by Ana.');
  });

  it('a person with no encounters gets "I don\'t know where", not a guess', async () => {
    const { answer } = await ask('where did i meet bob');
    expect(answer.text).toBe("I don't know where you met Bob.");
    expect(answer.memoryIds).toEqual([`person:${mem.ids.Bob}`]);
  });

  it.each([
    'where did I meet Zorro',
    'when did I last see Priya Patel',
    'what do I know about Kenji',
    'forget Dmitri',
    'tell me about Renée',
    'who is Mallory',
  ])('a person not in memory is never named: %s', async (q) => {
    const { answer } = await ask(q);
    const spoken = q.split(' ').at(-1) as string;
    expect(answer.text.toLowerCase()).not.toContain(spoken.toLowerCase());
    expect([SAY.unknownPerson, SAY.notYet, SAY.dontKnow]).toContain(answer.text);
    expect(answer.memoryIds).toEqual([]);
  });

  it('"who is this" describes the person in view from rows, and says nothing of a stranger', async () => {
    const ana = mem.ids['Ana Lima'] as number;
    let inView: { personId: number; trackId: string } | null = { personId: ana, trackId: 't1' };
    const faces = new FakeFaces({ inView: () => inView });
    const { answer } = await ask('hey mnemo, who is this?', { faces });
    expect(answer.text).toBe('Ana Lima. Met at the robotics meetup on March 3rd. Works on drones.');
    inView = null;
    expect((await ask('who am I looking at', { faces })).answer.text).toBe(SAY.noOneInView);
    expect((await ask('who is this')).answer.text).toBe(SAY.cannotSee);
  });

  it('anything else goes to the personal model and is only spoken when it cites existing rows', async () => {
    expect((await ask('what should I cook tonight')).answer.text).toBe(SAY.notYet);
    const note = memory.notes.forPerson(mem.ids['Ana Lima'] as number)[0];
    const grounded = new FakePersonalModel(() => ({ text: 'Ana works on drones.', memoryIds: [`note:${note?.id}`], via: 'llm' }));
    expect((await ask('who works on drones', { personalModel: grounded })).answer).toMatchObject({
      text: 'Ana works on drones.',
      via: 'llm',
    });
    const ungrounded = new FakePersonalModel(() => ({ text: 'Probably Bob.', memoryIds: [], via: 'llm' }));
    expect((await ask('who works on drones', { personalModel: ungrounded })).answer.text).toBe(SAY.dontKnow);
    const invented = new FakePersonalModel(() => ({ text: 'Mallory does.', memoryIds: ['note:999'], via: 'llm' }));
    expect((await ask('who works on drones', { personalModel: invented })).answer.text).toBe(SAY.dontKnow);
    const refused = new FakePersonalModel(() => null);
    expect((await ask('who works on drones', { personalModel: refused })).answer.text).toBe(SAY.dontKnow);
  });

  it('every answer to every phrasing cites only rows that exist and names only people in memory', async () => {
    const faces = new FakeFaces({ inView: () => ({ personId: mem.ids['Zoë Kim'] as number, trackId: 't' }), enroll: enrollInto(memory) });
    const extra = { faces, pairing: new FakePairing({ code: '123456', phones: 1 }), whisper: new FakeWhisper() };
    const fixed = ['March', 'November', 'May', 'Monday', 'Noted', 'Got', 'Okay', 'Done', 'Say', 'I', "I'll"];
    // Every word memory holds right now: names, places, contexts and notes (notes added by earlier phrasings count).
    const vocabulary = () =>
      new Set(
        [
          ...fixed,
          ...memory.people
            .list()
            .flatMap((x) => [
              x.name,
              ...memory.notes.forPerson(x.id).map((n) => n.text),
              ...memory.encounters.forPerson(x.id).flatMap((e) => [e.place ?? '', e.context ?? '']),
            ]),
        ]
          .flatMap((t) => t.split(/[\s,.:]+/))
          .map((w) => w.toLowerCase().replace(/'s$/, '')),
      );
    for (const p of [...DEV, ...HELD_OUT, ...HELD_OUT_2, ...HELD_OUT_3]) {
      const { answer } = await ask(p.text, extra);
      for (const id of answer.memoryIds) expect(memory.exists(id), `${p.text} -> ${id}`).toBe(true);
      // A capitalised word inside a sentence is a name or a place: it must come from memory (or be what was just enrolled).
      const inner = answer.text.match(/(?<![.?!:]\s|^)\b\p{Lu}[\p{L}'-]+/gu) ?? [];
      const known = vocabulary();
      for (const w of inner) expect(known.has(w.toLowerCase().replace(/'s$/, '')), `${p.text} -> ${answer.text}`).toBe(true);
    }
  });
});
