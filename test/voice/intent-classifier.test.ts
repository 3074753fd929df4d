import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExampleClassifier } from '../../device/intents/classifier.js';
import { learnExample, learnedExamples } from '../../device/intents/learned.js';
import { NameIndex } from '../../device/intents/names.js';
import { cleanUtterance } from '../../device/intents/normalize.js';
import { IntentRecognizer } from '../../device/intents/recognizer.js';
import { stripFraming } from '../../device/intents/rules.js';
import type { SentenceEmbedder } from '../../device/intents/types.js';
import { loadSentenceEmbedder } from '../../device/voice/sentence.js';
import { openMemory } from '../../memory/index.js';
import { testModelStore } from '../helpers/models.js';
import type { Phrasing } from './fixtures/dev-phrasings.js';
import { HELD_OUT } from './fixtures/heldout-phrasings.js';
import { HELD_OUT_2 } from './fixtures/heldout2-phrasings.js';
import { HELD_OUT_3 } from './fixtures/heldout3-phrasings.js';
import { FakeClock, local, testMemory } from './helpers/fakes.js';

/*
 * The nearest-example classifier on the real USE-lite embeddings: what the rules
 * miss it catches, what is not a command it leaves to the personal model, and a
 * phrasing the wearer confirmed is learned, kept in the profile and exported.
 */

const PEOPLE = ['Ana Lima', 'Tom Baker', 'José Martínez', 'Zoë Kim', 'Bob'].map((name, i) => ({ id: i + 1, name }));
let embedder: SentenceEmbedder;
let classifier: ExampleClassifier;
let recognizer: IntentRecognizer;

beforeAll(async () => {
  const e = await loadSentenceEmbedder(testModelStore());
  if (!e) throw new Error('models/sentence (USE lite) is required for this test');
  embedder = e;
  classifier = new ExampleClassifier(embedder);
  await classifier.prepare();
  recognizer = new IntentRecognizer({ people: () => PEOPLE, classifier });
});

async function accuracy(set: Phrasing[], r: IntentRecognizer): Promise<number> {
  let ok = 0;
  for (const p of set) {
    const x = await r.recognize(p.text);
    if (x.intent === p.intent && Object.entries(p.slots ?? {}).every(([k, v]) => x.slots[k] === v)) ok++;
  }
  return ok / set.length;
}

describe('intent classifier (USE lite)', () => {
  it('held-out accuracy: rules then examples, and examples alone', async () => {
    const alone = new ExampleClassifier(embedder, { accept: 0, ask: 0, margin: 0 });
    await alone.prepare();
    const names = new NameIndex(PEOPLE);
    for (const [name, set] of [
      ['held-out 1', HELD_OUT],
      ['held-out 2', HELD_OUT_2],
      ['held-out 3', HELD_OUT_3],
    ] as const) {
      const combined = await accuracy(set, recognizer);
      let hits = 0;
      for (const p of set) if ((await alone.classify(stripFraming(cleanUtterance(p.text)), names)).intent === p.intent) hits++;
      console.log(
        `${name}: rules+examples ${(combined * 100).toFixed(1)}%, examples alone ${((hits / set.length) * 100).toFixed(1)}% (n=${set.length})`,
      );
      expect(combined).toBeGreaterThanOrEqual(0.9);
      expect(hits / set.length).toBeGreaterThanOrEqual(0.7);
    }
  });

  it.each([
    ["what's the name of the person in front of me", 'who-is-this', {}],
    ['where did Bob and I cross paths', 'where-met', { name: 'Bob' }],
    ['I need the details on Zoe', 'what-know', { name: 'Zoë Kim' }],
    ['hook my phone up', 'pair-phone', {}],
    ['who the heck is this', 'who-is-this', {}],
  ])('catches what no rule matches: %s', async (text, intent, slots) => {
    const r = await recognizer.recognize(text);
    expect(r).toMatchObject({ intent, via: 'examples', slots });
  });

  it.each(['play some jazz', 'how is the weather tomorrow', 'what did I have for lunch', 'what is two plus two'])(
    'leaves non-commands to the personal model: %s',
    async (text) => {
      expect((await recognizer.recognize(text)).intent).toBe('fallback');
    },
  );

  describe("learning the wearer's phrasings", () => {
    let mem: ReturnType<typeof testMemory> | undefined;
    afterEach(() => mem?.cleanup());

    it('a confirmed phrasing is acted on next time, survives in the profile and in export/import', async () => {
      const clock = new FakeClock(local(2026, 5, 20));
      mem = testMemory(clock);
      const odd = 'Bob, origin story please';
      const before = await classifier.classify(odd);
      expect(before.intent === 'where-met' && before.decision === 'accept').toBe(false);
      learnExample(mem.memory.profile, { text: odd, intent: 'where-met' }, clock.now(), new NameIndex(mem.memory.people.list()));
      const fresh = new ExampleClassifier(embedder);
      await fresh.prepare(learnedExamples(mem.memory.profile));
      const r = await new IntentRecognizer({ people: () => mem?.memory.people.list() ?? [], classifier: fresh }).recognize(
        'Zoë, origin story please',
      );
      expect(r).toMatchObject({ intent: 'where-met', via: 'examples', decision: 'accept', slots: { name: 'Zoë Kim' } });
      const exported = mem.memory.export();
      const other = openMemory({ path: `${mem.dir}/other.db` });
      try {
        other.import(exported);
        expect(learnedExamples(other.profile).map((e) => e.text)).toEqual(['{name}, origin story']);
      } finally {
        other.close();
      }
    });
  });
});
