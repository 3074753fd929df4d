import type { Actor, ProfileRepo } from '../../memory/types.js';
import { type Example, exampleOf } from './classifier.js';
import type { NameIndex } from './names.js';
import { foldKey } from './normalize.js';
import { INTENTS, type IntentName } from './types.js';

/*
 * The wearer's own confirmed phrasings, kept in the profile (`extra.intentExamples`)
 * so they travel with `mnemo memory export` and come back on import. Bounded: the
 * oldest go first once there are more than MAX.
 */

export const PROFILE_KEY = 'intentExamples';
const MAX = 300;

export interface LearnedExample extends Example {
  at: number;
}

export function learnedExamples(profile: ProfileRepo): LearnedExample[] {
  const raw = profile.get().extra[PROFILE_KEY];
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (e): e is LearnedExample =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as LearnedExample).text === 'string' &&
      (INTENTS as readonly string[]).includes((e as LearnedExample).intent) &&
      typeof (e as LearnedExample).at === 'number',
  );
}

/**
 * Adds a phrasing (a confirmed one) unless it is already there; returns the stored list.
 * Names of people in memory are stored as `{name}`, so "Bob, origin story please" also
 * teaches "Zoë, origin story please" (and no name is kept twice).
 */
export function learnExample(
  profile: ProfileRepo,
  phrasing: { text: string; intent: IntentName },
  at: number,
  names?: NameIndex,
  actor: Actor = 'voice',
): LearnedExample[] {
  const example = { text: exampleOf(phrasing.text, names), intent: phrasing.intent };
  const list = learnedExamples(profile);
  const key = foldKey(example.text);
  if (!key || list.some((e) => foldKey(e.text) === key && e.intent === example.intent)) return list;
  const next = [...list.filter((e) => foldKey(e.text) !== key), { text: example.text, intent: example.intent, at }].slice(-MAX);
  const extra = { ...profile.get().extra, [PROFILE_KEY]: next };
  profile.set({ extra }, actor);
  return next;
}
