import type { Memory, Person } from '../../memory/types.js';
import type { Evidence } from './evidence.js';
import { IDK } from './prompt.js';
import { peopleNamed } from './retrieval.js';

/*
 * The grounding check between the model and the wearer's ear. A small model invents
 * names and facts; an answer passes only when every id it cites exists and was in its
 * prompt, and every name-like word in it is a known person tied to what it cited (or
 * appears in the memories it was given). Anything else is dropped for the template
 * answer, because a wrong name whispered about the person in front of you is worse
 * than "I don't know".
 */

export interface GroundingInput {
  answer: string;
  memory: Memory;
  /** What the prompt offered. */
  evidence: Evidence[];
  offeredIds: string[];
  question: string;
  wearerName: string | null;
  personInView?: number | null;
}

export type GroundingResult =
  | { ok: true; text: string; memoryIds: string[] }
  | { ok: false; reason: 'empty' | 'unknown-id' | 'not-offered' | 'unknown-name' | 'uncited-name' | 'no-citation'; detail: string };

const CITE = /\[((?:person|note|encounter|sample|utterance):\d+)\]/g;
/** Words that are capitalised for grammar, not because they are names. */
const COMMON = new Set(
  "i i'm i've i'd i'll you he she they we it the a an and but or so yes no not this that these those there here when where what who why how today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december met meet your my his her their our at on in with from about".split(
    ' ',
  ),
);

/** Capitalised words (possible names) in the answer text. */
export function nameLikeWords(text: string): string[] {
  return [...text.matchAll(/\p{Lu}[\p{L}'’-]*/gu)].map((m) => m[0]).filter((w) => !COMMON.has(w.toLowerCase()));
}

export function stripCitations(text: string): string {
  return text
    .replace(/\s*\[(?:person|note|encounter|sample|utterance):\d+\]/g, '')
    .replace(/\s+([.,;:!?])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export function checkGrounding(input: GroundingInput): GroundingResult {
  const raw = input.answer.trim();
  const text = stripCitations(raw);
  if (!text) return { ok: false, reason: 'empty', detail: 'no text' };
  const cited = [...new Set([...raw.matchAll(CITE)].map((m) => m[1] as string))];
  for (const id of cited) {
    if (!input.memory.exists(id)) return { ok: false, reason: 'unknown-id', detail: id };
    if (!input.offeredIds.includes(id)) return { ok: false, reason: 'not-offered', detail: id };
  }
  const isIdk = text.toLowerCase().startsWith(IDK.toLowerCase().replace(/\.$/, ''));
  if (isIdk) return { ok: true, text: IDK, memoryIds: [] };
  if (!cited.length) return { ok: false, reason: 'no-citation', detail: 'an answer must cite the memories it uses' };

  const people = input.memory.people.list();
  const named = peopleNamed(text, people);
  const citedPeople = new Set<number>();
  for (const id of cited) {
    const [kind, n] = id.split(':') as [string, string];
    if (kind === 'person') citedPeople.add(Number(n));
    const ev = input.evidence.find((e) => e.memoryId === id);
    if (ev?.personId != null) citedPeople.add(ev.personId);
  }
  if (input.personInView != null) citedPeople.add(input.personInView);
  for (const p of named) {
    if (!citedPeople.has(p.id))
      return { ok: false, reason: 'uncited-name', detail: `${p.name} is named but none of the cited memories is about them` };
  }
  // Any other name-like word must come from a known name, the memories cited, the question or the wearer.
  const citedText = input.evidence
    .filter((e) => cited.includes(e.memoryId))
    .map((e) => e.text)
    .join(' ');
  const allowed = new Set(
    [citedText, input.question, input.wearerName ?? '', ...named.map((p: Person) => p.name)]
      .join(' ')
      .toLowerCase()
      .split(/[^\p{L}'’-]+/u)
      .filter(Boolean),
  );
  for (const w of nameLikeWords(text)) {
    if (!allowed.has(w.toLowerCase())) return { ok: false, reason: 'unknown-name', detail: w };
  }
  return { ok: true, text, memoryIds: cited };
}
