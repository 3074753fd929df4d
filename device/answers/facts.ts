import type { Encounter, Memory, Note, Person, Profile } from '../../memory/types.js';
import { spokenDate } from './dates.js';

/*
 * Sentences built from memory rows, each with the ids of the rows it came from.
 * An answer is a list of these, cut to the wearer's length preference; nothing
 * is said that is not in a row.
 */

export interface Fact {
  text: string;
  ids: string[];
}

export interface Answer {
  text: string;
  memoryIds: string[];
  via: string;
}

/** How many facts an answer may carry after its lead sentence. */
export function budget(length: Profile['length']): number {
  return length === 'short' ? 1 : length === 'normal' ? 2 : 5;
}

export function compose(facts: Fact[], via: string, length: Profile['length'] = 'normal', lead = 1): Answer {
  const kept = facts.slice(0, lead + budget(length));
  return {
    text: kept
      .map((f) => sentence(f.text))
      .join(' ')
      .trim(),
    memoryIds: [...new Set(kept.flatMap((f) => f.ids))],
    via,
  };
}

/** A plain reply that cites nothing (acknowledgements, "I don't know"). */
export function reply(text: string, via: string, memoryIds: string[] = []): Answer {
  return { text, memoryIds, via };
}

export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const capped = t[0]?.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capped) ? capped : `${capped}.`;
}

export function at(place: string): string {
  return /^(?:at|in|on|near|by|during)\s/i.test(place) ? place : `at ${place}`;
}

export function byStart(encounters: Encounter[]): Encounter[] {
  return [...encounters].sort((a, b) => a.startedAt - b.startedAt || a.id - b.id);
}

export function lastSeenAt(e: Encounter): number {
  return e.endedAt ?? e.startedAt;
}

/** "You met Ana Lima at the robotics meetup on March 3rd." */
export function metFact(person: Person, first: Encounter, now: number, subject = `You met ${person.name}`): Fact {
  const when = spokenDate(first.startedAt, now);
  const ids = [`person:${person.id}`, `encounter:${first.id}`];
  if (first.place) return { text: `${subject} ${at(first.place)} ${when}`, ids };
  if (first.context) return { text: `${subject} ${when}: ${first.context}`, ids };
  return { text: `${subject} ${when}`, ids };
}

export function noteFacts(notes: Note[], limit: number): Fact[] {
  return [...notes]
    .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)
    .slice(0, limit)
    .map((n) => ({ text: n.text, ids: [`note:${n.id}`] }));
}

/** Who someone is, for "who is this" and "what do I know about X". */
export function describePerson(memory: Memory, person: Person, now: number, length: Profile['length'], via: string, lead?: string): Answer {
  const encounters = byStart(memory.encounters.forPerson(person.id));
  const notes = memory.notes.forPerson(person.id);
  const facts: Fact[] = [{ text: lead ?? person.name, ids: [`person:${person.id}`] }];
  const first = encounters[0];
  const noteList = noteFacts(notes, 5);
  // Short answers lead with the most telling thing: the newest note, else where you met.
  if (first) facts.push(metFact(person, first, now, 'Met'));
  if (length === 'short' && noteList.length) facts.splice(1, 0, noteList.shift() as Fact);
  facts.push(...noteList);
  const last = encounters.at(-1);
  if (length === 'detailed' && last && first && last.id !== first.id) {
    facts.push({
      text: `Last seen ${spokenDate(lastSeenAt(last), now)}${last.place ? ` ${at(last.place)}` : ''}`,
      ids: [`encounter:${last.id}`],
    });
  }
  if (facts.length === 1) facts.push({ text: `I know nothing else about them yet`, ids: [`person:${person.id}`] });
  return compose(facts, via, length);
}
