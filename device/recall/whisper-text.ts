import type { Encounter, Memory, Note, Profile } from '../../memory/types.js';

/*
 * The sentence a recall whispers: the name, then where and how long ago they last
 * met, then the most useful note, as much as fits the wearer's length preference.
 * Parts are dropped whole rather than cut mid-sentence, except a lone note too
 * long for any budget, which is shortened at a word boundary.
 */

export interface WhisperText {
  text: string;
  memoryIds: string[];
}

export interface WhisperOptions {
  now: number;
  length: Profile['length'];
  /** config recall.maxWords: the budget of a 'normal' whisper. */
  maxWords: number;
  /** Encounters not to cite (the one the current sighting opened). */
  exclude?: Set<number>;
  interests?: string[];
}

export function wordBudget(length: Profile['length'], maxWords: number): number {
  if (length === 'short') return Math.max(3, Math.round(maxWords / 2));
  if (length === 'detailed') return maxWords * 2;
  return maxWords;
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export function howLongAgo(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 2) return 'just now';
  if (min < 60) return `${min} minutes ago`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return hours === 1 ? 'an hour ago' : `${hours} hours ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  if (days < 60) return `${Math.floor(days / 7)} weeks ago`;
  if (days < 365) return `${Math.floor(days / 30)} months ago`;
  const years = Math.floor(days / 365);
  return years === 1 ? 'a year ago' : `${years} years ago`;
}

export function encounterSentence(e: Encounter, now: number): string {
  const ago = howLongAgo(Math.max(0, now - e.startedAt));
  return e.place ? `Last met at ${e.place.replace(/[.\s]+$/, '')}, ${ago}.` : `Last met ${ago}.`;
}

/** The most useful note: newer is better, touching the wearer's interests is better, shorter breaks ties. */
export function rankNotes(notes: Note[], now: number, interests: string[] = []): Note[] {
  const terms = interests.map((t) => t.toLowerCase()).filter(Boolean);
  const score = (n: Note) => {
    const ageDays = Math.max(0, now - n.createdAt) / 86_400_000;
    const text = n.text.toLowerCase();
    const hits = terms.filter((t) => text.includes(t)).length;
    return 1 / (1 + ageDays / 30) + 0.5 * hits - 0.001 * words(n.text);
  };
  return [...notes].sort((a, b) => score(b) - score(a));
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function shorten(s: string, max: number): string {
  const w = s.trim().split(/\s+/);
  return w.length <= max
    ? sentence(s)
    : `${w
        .slice(0, max)
        .join(' ')
        .replace(/[,;:]$/, '')}...`;
}

export function buildWhisper(memory: Memory, personId: number, opts: WhisperOptions): WhisperText | null {
  const person = memory.people.get(personId);
  if (!person) return null;
  const budget = wordBudget(opts.length, opts.maxWords);
  const parts: string[] = [sentence(person.name)];
  const memoryIds: string[] = [`person:${personId}`];
  let used = words(person.name);

  const last = memory.encounters
    .forPerson(personId)
    .filter((e) => !opts.exclude?.has(e.id) && e.startedAt <= opts.now)
    .sort((a, b) => b.startedAt - a.startedAt)[0];
  if (last) {
    const s = encounterSentence(last, opts.now);
    if (used + words(s) <= budget) {
      parts.push(s);
      memoryIds.push(`encounter:${last.id}`);
      used += words(s);
    }
  }

  const notes = rankNotes(memory.notes.forPerson(personId), opts.now, opts.interests);
  const room = budget - used;
  const fits = notes.find((n) => words(n.text) <= room);
  const note = fits ?? (room >= 4 ? notes[0] : undefined);
  if (note) {
    parts.push(shorten(note.text, room));
    memoryIds.push(`note:${note.id}`);
  }
  return { text: parts.join(' '), memoryIds };
}
