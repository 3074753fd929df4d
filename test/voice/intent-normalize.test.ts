import { describe, expect, it } from 'vitest';
import { commandGrammar, memoryGrammar } from '../../device/intents/grammar.js';
import { NameIndex } from '../../device/intents/names.js';
import { cleanUtterance, foldKey, titleCaseName } from '../../device/intents/normalize.js';
import { IntentRecognizer } from '../../device/intents/recognizer.js';
import { parseIntroduction } from '../../device/intents/slots.js';
import { FakeClock, local, testMemory } from './helpers/fakes.js';

describe('cleaning utterances', () => {
  it.each([
    ["Hey Mnemo, where'd I meet Ana?", 'where did I meet Ana'],
    ['um, uh, who is this?', 'who is this'],
    ['WHO’S THAT', 'WHO is THAT'],
    ['whom did I meet', 'who did I meet'],
    ["okay mnemo what's her name", 'what is her name'],
    ['this is Tom, he runs the bakery.', 'this is Tom, he runs the bakery'],
    ['who is this, mnemo', 'who is this'],
    ["I can't hear you", 'I can not hear you'],
  ])('%s -> %s', (raw, cleaned) => expect(cleanUtterance(raw)).toBe(cleaned));

  it('folds accents and case for names; title-cases only lowercase ones', () => {
    expect(foldKey('José Martínez')).toBe('jose martinez');
    expect(foldKey('ZOË')).toBe('zoe');
    expect(titleCaseName('ana lima')).toBe('Ana Lima');
    expect(titleCaseName("o'brien")).toBe("O'Brien");
    expect(titleCaseName('McKay')).toBe('McKay');
  });
});

describe('names', () => {
  const names = new NameIndex([
    { id: 1, name: 'Ana Lima' },
    { id: 2, name: 'José Martínez' },
    { id: 3, name: 'Ana Souza' },
    { id: 4, name: 'Christopher' },
  ]);
  it('matches full names, unique first or last names, accents and one letter off on long names', () => {
    expect(names.resolve('jose')?.id).toBe(2);
    expect(names.resolve('Martinez')?.id).toBe(2);
    expect(names.resolve('ana lima')?.id).toBe(1);
    expect(names.resolve('cristopher')?.id).toBe(4);
    expect(names.resolve("José's")?.id).toBe(2);
  });
  it('refuses ambiguous and unknown names', () => {
    expect(names.resolve('ana')).toBeUndefined();
    expect(names.resolve('zorro')).toBeUndefined();
    expect(names.resolve('bob')).toBeUndefined();
  });
  it('finds a mention in free text, longest first, and never a common word', () => {
    expect(names.findMentioned("remember that Ana Lima's daughter is Mia")?.person.id).toBe(1);
    expect(names.findMentioned('he and I went to the market')).toBeUndefined();
  });
});

describe('introductions', () => {
  it.each([
    ['Tom he runs the bakery', { name: 'Tom', note: 'runs the bakery' }],
    ['Tom, he runs the bakery', { name: 'Tom', note: 'runs the bakery' }],
    ['my friend Sam who plays drums', { name: 'Sam', note: 'plays drums' }],
    ['Renée', { name: 'Renée' }],
    ['tom baker from the gym', { name: 'Tom Baker', note: 'from the gym' }],
    ['Ana, her husband is Tom', { name: 'Ana', note: 'her husband is Tom' }],
    ['ana a', { name: 'Ana' }],
  ])('%s', (rest, slots) => expect(parseIntroduction(rest)).toEqual(slots));
  it.each(['great', 'it', 'not what I wanted', 'so cool'])('"this is %s" is not an introduction', async (rest) => {
    expect(parseIntroduction(rest)).toBeUndefined();
    const r = await new IntentRecognizer({ people: () => [] }).recognize(`this is ${rest}`);
    expect(r.intent).toBe('fallback');
  });
});

describe('command grammar', () => {
  it('holds the command phrases and the names in memory, folded for the dictionary', () => {
    const g = commandGrammar([
      { id: 1, name: 'José Martínez' },
      { id: 2, name: 'Zoë' },
    ]);
    expect(g.phrases).toContain('where did i meet <name>');
    expect(g.phrases).toContain('this is <name>');
    expect(g.names).toEqual(expect.arrayContaining(['jose martinez', 'jose', 'martinez', 'zoe', 'tom']));
    for (const p of g.phrases) expect(p).toMatch(/^[a-z <>']+$/);
  });
});

describe('memory grammar', () => {
  it('adds the free-text phrases and the words of notes and places', () => {
    const mem = testMemory(new FakeClock(local(2026, 5, 20)));
    try {
      const tom = mem.ids['Tom Baker'] as number;
      mem.memory.notes.add({ personId: tom, text: 'Runs the bakery on Elm Street' });
      mem.memory.encounters.start(tom, { source: 'face', place: 'the farmers market', at: local(2026, 5, 1) });
      const g = memoryGrammar(mem.memory);
      expect(g.phrases).toContain('this is <name> [he | she | they] <text>');
      expect(g.vocabulary).toEqual(expect.arrayContaining(['runs', 'bakery', 'elm', 'street', 'farmers', 'market']));
      expect(g.names).toEqual(expect.arrayContaining(['tom baker', 'jose martinez']));
    } finally {
      mem.cleanup();
    }
  });
});
