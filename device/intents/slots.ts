import type { NameIndex } from './names.js';
import { titleCaseName } from './normalize.js';
import { IN_VIEW_WORDS } from './rules.js';
import type { IntentName, Slots } from './types.js';

/*
 * Turning raw spoken slots into what the answer stage needs: a name resolved
 * against memory (its canonical spelling and person id), "in-view" for him/her/
 * this person, the fact of "remember that", the name and note of "this is X".
 * An unresolved name is kept as `heard` only: the answer stage never speaks it.
 */

const NAME_INTENTS = new Set<IntentName>(['where-met', 'last-seen', 'what-know', 'forget']);
const TRAILING =
  /\s+(?:again|before|first|originally|lately|recently|please|today|yesterday|last|from|exactly|already|then|now|right now|at all|completely)$/i;

export interface ResolvedSlots {
  intent: IntentName;
  slots: Slots;
}

export function resolveSlots(intent: IntentName, raw: Slots, names: NameIndex, text: string): ResolvedSlots {
  if (NAME_INTENTS.has(intent)) return resolveNamed(intent, raw.name, names, text);
  if (intent === 'remember') return { intent, slots: rememberSlots(raw, names) };
  if (intent === 'enroll') {
    const parsed = parseIntroduction(raw.rest ?? '');
    return parsed ? { intent, slots: parsed } : { intent: 'fallback', slots: {} };
  }
  return { intent, slots: {} };
}

function resolveNamed(intent: IntentName, spoken: string | undefined, names: NameIndex, text: string): ResolvedSlots {
  let s = (spoken ?? '').trim().replace(/^(?:about|on|of)\s+/i, '');
  for (let i = 0; i < 3; i++) s = s.replace(TRAILING, '');
  s = s.replace(/'s$/i, '').trim();
  if (!s || IN_VIEW_WORDS.test(s)) {
    // "forget that" / "where did we meet": the person in view (a forget needs someone named or in view).
    return { intent, slots: { target: 'in-view' } };
  }
  const person = names.resolve(s) ?? (s.split(' ').length <= 4 ? names.findMentioned(s)?.person : undefined);
  if (person) return { intent, slots: { name: person.name, personId: String(person.id) } };
  // A long unresolved "name", or a thing ("the project", "my keys"), is a question the rules misread: the personal model's.
  if (s.split(' ').length > 3 || /^(?:the|a|an|my|your|our|his|her|their|this|that|these|those|some|any)\s/i.test(s))
    return { intent: 'fallback', slots: {} };
  void text;
  return { intent, slots: { heard: s, nameKnown: 'no' } };
}

function rememberSlots(raw: Slots, names: NameIndex): Slots {
  const fact = (raw.fact ?? '').replace(/^(?:that|this)\s+/i, '').trim();
  const slots: Slots = { fact };
  if (raw.about) {
    const p = names.resolve(raw.about);
    if (p) return { ...slots, name: p.name, personId: String(p.id) };
    if (IN_VIEW_WORDS.test(raw.about)) return { ...slots, target: 'in-view' };
    return { ...slots, heard: raw.about, nameKnown: 'no' };
  }
  const mention = names.findMentioned(fact);
  if (mention) return { ...slots, name: mention.person.name, personId: String(mention.person.id) };
  if (/\b(?:he|she|they|him|her|his|them|their)\b/i.test(fact)) return { ...slots, target: 'in-view' };
  return slots;
}

const RELATION =
  /^(?:my|our)\s+(?:new\s+|old\s+|good\s+|best\s+|dear\s+)?(?:friend|colleague|coworker|co-worker|neighbour|neighbor|boss|manager|cousin|brother|sister|uncle|aunt|nephew|niece|classmate|teacher|student|doctor|dentist|partner|client|landlord|roommate|flatmate|mate|buddy|pal)[\s,]+/i;
const HONORIFIC = /^(?:mister|mr|mrs|ms|miss|doctor|dr|professor|prof)\.?\s+/i;
const NOT_NAME = new Set(
  (
    'it its great good fine awesome amazing nice cool me him her them us what who why how not so the a an your my too very really all ' +
    'correct right wrong true false weird interesting fun funny crazy perfect enough bad terrible delicious beautiful lovely wonderful ' +
    'strange new old where when here there going getting about just exactly because actually definitely sad hard easy important done ' +
    'over gonna ok okay yes no sure this that these those something nothing everything someone anyone everyone one hopeless unbelievable ' +
    'insane annoying boring better worse best worst possible impossible ready it is'
  ).split(' '),
);
const NAME_END = new Set(
  (
    'he she they who and from at with is was works work lives live the a an in on of that which whose i we you it his her their our ' +
    'my runs owns does teaches plays has had likes loves sells makes manages studies drives builds writes came just also too here there ' +
    'today yesterday again over but or so because when where while she is he is they are'
  ).split(' '),
);

/** "Tom, he runs the bakery" -> name Tom, note "runs the bakery". Undefined when what follows "this is" is not a name. */
export function parseIntroduction(rest: string): Slots | undefined {
  let s = rest.trim().replace(RELATION, '').replace(HONORIFIC, '');
  const [head = '', ...tail] = s.split(/\s*,\s*/);
  const words = head.split(/\s+/).filter(Boolean);
  const nameWords: string[] = [];
  for (const w of words) {
    const lw = w.toLowerCase().replace(/'s$/, '');
    if (nameWords.length >= 3 || NAME_END.has(lw)) break;
    nameWords.push(w.replace(/'s$/i, ''));
    if (/'s$/i.test(w)) break;
  }
  const first = nameWords[0]?.toLowerCase();
  if (!first || NOT_NAME.has(first) || !/^\p{L}[\p{L}'-]*$/u.test(nameWords.join(''))) return undefined;
  s = [words.slice(nameWords.length).join(' '), ...tail].filter(Boolean).join(', ');
  const note = s
    .replace(/^(?:,\s*)?(?:and\s+)?(?:who\s+|he\s+|she\s+|they\s+)?/i, '')
    .replace(/^(?:is|was|are)\s+/i, '')
    .trim();
  const slots: Slots = { name: titleCaseName(nameWords.join(' ')) };
  // A stray syllable from speech recognition ("this is ana a") is not a fact.
  if (note && /\p{L}{3,}/u.test(note)) slots.note = note;
  return slots;
}
