import type { Memory } from '../../memory/types.js';
import type { CommandGrammar } from '../../models/stt/types.js';
import { type NamedPerson, NameIndex } from './names.js';
import { foldKey } from './normalize.js';

/*
 * The command grammar for speech to text (PocketSphinx JSGF): whole phrases of
 * the intents, `<name>` standing for any name in `names`. Lowercase, no
 * punctuation, accents folded (the US English dictionary has no "josé").
 * Free-form parts ("remember that ...", "..., he runs the bakery") are left to
 * dictation: the engine tries the grammar first, then dictates.
 */

export const COMMAND_PHRASES: readonly string[] = [
  'who is this',
  'who is that',
  'who is this person',
  'who am i looking at',
  'who am i talking to',
  'do i know this person',
  'what is his name',
  'what is her name',
  'where did i meet <name>',
  'where did i first meet <name>',
  'where do i know <name> from',
  'how do i know <name>',
  'when did i meet <name>',
  'when did i last see <name>',
  'when was the last time i saw <name>',
  'what do i know about <name>',
  'tell me about <name>',
  'who is <name>',
  'this is <name>',
  'meet <name>',
  'his name is <name>',
  'her name is <name>',
  'forget <name>',
  'delete <name>',
  'yes',
  'yes please',
  'no',
  'cancel',
  'pair my phone',
  'unpair all phones',
  'repeat that',
  'say that again',
  'what did you say',
  'louder',
  'quieter',
  'speak up',
  'turn it up',
  'turn it down',
  'shorter',
  'shorter answers',
  'more detail',
  'tell me more',
];

/** Common first names, so "this is tom" is heard for someone not in memory yet. */
export const COMMON_FIRST_NAMES: readonly string[] = (
  'alex ana anna ben bob carlos chris dan david emma eva james jane john jose juan julia kate laura lee leo lisa ' +
  'lucy maria mark mary max mia michael mike nina paul peter sam sara sarah tom tim zoe'
).split(' ');

export function commandGrammar(people: NamedPerson[], opts: { commonNames?: boolean } = {}): CommandGrammar {
  const names = new Set<string>(new NameIndex(people).vocabulary());
  for (const p of people) names.add(foldKey(p.name));
  if (opts.commonNames !== false) for (const n of COMMON_FIRST_NAMES) names.add(n);
  return { phrases: [...COMMAND_PHRASES], names: [...names].filter((n) => /^[a-z][a-z' -]*$/.test(n)).sort() };
}

/** Phrases with a free-text part (`<text>`, taken from dictation), for the facts of "this is X, he ..." and "remember that ...". */
export const FREE_TEXT_PHRASES: readonly string[] = [
  'this is <name> [he | she | they] <text>',
  'remember that <text>',
  'remember that <name> <text>',
  'note that <text>',
];

const MAX_VOCABULARY = 3000;

/**
 * The grammar for the speech engine from what memory holds right now: the command
 * phrases, the free-text ones, the names, and the words of notes and places (the
 * words the wearer's facts tend to reuse), folded and de-duplicated.
 */
export function memoryGrammar(memory: Pick<Memory, 'people' | 'notes' | 'encounters'>): CommandGrammar {
  const people = memory.people.list();
  const base = commandGrammar(people);
  const words = new Set<string>();
  for (const p of people) {
    const texts = [
      ...memory.notes.forPerson(p.id).map((n) => n.text),
      ...memory.encounters.forPerson(p.id).flatMap((e) => [e.place ?? '', e.context ?? '']),
    ];
    for (const t of texts) for (const w of foldKey(t).split(' ')) if (/^[a-z][a-z']*$/.test(w)) words.add(w);
    if (words.size >= MAX_VOCABULARY) break;
  }
  return { ...base, phrases: [...base.phrases, ...FREE_TEXT_PHRASES], vocabulary: [...words].slice(0, MAX_VOCABULARY) };
}
