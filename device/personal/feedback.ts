import type { Feedback, Memory, MemoryId, Note, Profile } from '../../memory/types.js';
import { cosine } from '../vector-math.js';
import { type Embed, refreshVectors, toFloat32 } from './evidence.js';

/*
 * The personalisation loop: what the wearer says about an answer changes what mnemo
 * does next. "shorter" / "more detail" move the profile's length preference; "that's
 * wrong, she works on robots" corrects the note the answer came from (the sentence it
 * contradicts, else a new note about that person); every judged answer is kept in
 * `memory.feedback` for the fine-tuning dataset (`mnemo personal export`).
 */

export interface AnswerRef {
  question: string;
  answer: string;
  memoryIds: string[];
  /** The person the answer was about when the ids do not say (person in view). */
  personId?: number | null;
}

export type FeedbackOutcome =
  | { kind: 'length'; length: Profile['length']; changed: boolean }
  | { kind: 'confirmed'; feedback: Feedback }
  | { kind: 'corrected'; feedback: Feedback; note: Note; action: 'edited' | 'added' }
  | { kind: 'wrong'; feedback: Feedback }
  | { kind: 'none' };

const ORDER: Profile['length'][] = ['short', 'normal', 'detailed'];
const SHORTER = /\b(shorter|too long|less detail|briefer|be brief)\b/i;
const LONGER = /\b(more detail|more details|longer|tell me more|too short)\b/i;
const WRONG = /^\s*(?:no[,.!]?\s*)?(?:that'?s|that is|it'?s|it is|this is)\s+(?:wrong|not right|incorrect|not true)\b[\s,.:;!-]*(.*)$/i;
const RIGHT = /^\s*(?:yes|yep|right|correct|exactly|that'?s right|that is right|that'?s correct)\b/i;

export interface FeedbackDeps {
  memory: Memory;
  embed?: Embed;
  embeddingModel: string;
}

export function classifyFeedback(utterance: string): 'shorter' | 'longer' | 'wrong' | 'right' | null {
  if (WRONG.test(utterance)) return 'wrong';
  if (SHORTER.test(utterance)) return 'shorter';
  if (LONGER.test(utterance)) return 'longer';
  if (RIGHT.test(utterance)) return 'right';
  return null;
}

export async function applyFeedback(deps: FeedbackDeps, utterance: string, last?: AnswerRef): Promise<FeedbackOutcome> {
  const { memory } = deps;
  const kind = classifyFeedback(utterance);
  if (kind === 'shorter' || kind === 'longer') {
    const current = memory.profile.get().length;
    const i = ORDER.indexOf(current) + (kind === 'shorter' ? -1 : 1);
    const length = ORDER[Math.max(0, Math.min(ORDER.length - 1, i))] as Profile['length'];
    if (length !== current) memory.profile.set({ length }, 'voice');
    return { kind: 'length', length, changed: length !== current };
  }
  if (!last || (kind !== 'wrong' && kind !== 'right')) return { kind: 'none' };
  if (kind === 'right') {
    return {
      kind: 'confirmed',
      feedback: memory.feedback.add({ question: last.question, answer: last.answer, correction: null, memoryIds: last.memoryIds }),
    };
  }
  const said = (WRONG.exec(utterance)?.[1] ?? '').trim().replace(/[.!]+$/, '');
  const personId = personOf(memory, last);
  if (!said) {
    return {
      kind: 'wrong',
      feedback: memory.feedback.add({ question: last.question, answer: last.answer, correction: 'wrong', memoryIds: last.memoryIds }),
    };
  }
  const person = personId !== null ? memory.people.get(personId) : undefined;
  const fact = sentence(person ? resolvePronoun(said, person.name) : said);
  const { note, action } = await correctNote(deps, last, personId, fact);
  const feedback = memory.feedback.add({
    question: last.question,
    answer: last.answer,
    correction: fact,
    memoryIds: [...new Set([...last.memoryIds, `note:${note.id}`])],
  });
  await refreshVectorsSafely(deps, [`note:${note.id}`]);
  return { kind: 'corrected', feedback, note, action };
}

function personOf(memory: Memory, last: AnswerRef): number | null {
  for (const id of last.memoryIds) {
    const [kind, raw] = id.split(':') as [string, string];
    const n = Number(raw);
    if (kind === 'person') return n;
    if (kind === 'note') {
      const pid = memory.notes.get(n)?.personId;
      if (pid != null) return pid;
    }
    if (kind === 'encounter') {
      const pid = memory.encounters.get(n)?.personId;
      if (pid != null) return pid;
    }
  }
  return last.personId ?? null;
}

/** "she works on robots" about Ana -> "Ana works on robots". */
export function resolvePronoun(text: string, name: string): string {
  return text.replace(/^(she|he|they)\b/i, name).replace(/^(her|his|their)\b/i, `${name}'s`);
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

const WORD = /[\p{L}\p{N}]+/gu;
function overlap(a: string, b: string): number {
  const x = new Set(a.toLowerCase().match(WORD) ?? []);
  const y = new Set(b.toLowerCase().match(WORD) ?? []);
  const inter = [...x].filter((w) => y.has(w)).length;
  return inter / Math.max(1, Math.min(x.size, y.size));
}

/** The sentence of the cited notes the correction contradicts: most similar by embedding (or word overlap). */
async function correctNote(
  deps: FeedbackDeps,
  last: AnswerRef,
  personId: number | null,
  fact: string,
): Promise<{ note: Note; action: 'edited' | 'added' }> {
  const { memory } = deps;
  const notes = last.memoryIds
    .filter((id) => id.startsWith('note:'))
    .map((id) => memory.notes.get(Number(id.slice(5))))
    .filter((n): n is Note => n !== undefined && (personId === null || n.personId === personId));
  const candidates = notes.flatMap((note) => note.text.split(/(?<=[.!?])\s+/).map((s, i) => ({ note, i, s })));
  let best: { note: Note; i: number; score: number } | undefined;
  if (candidates.length) {
    let scores: number[];
    if (deps.embed) {
      const vs = (await deps.embed([fact, ...candidates.map((c) => c.s)])).map(toFloat32);
      scores = vs.slice(1).map((v) => cosine(vs[0] as Float32Array, v));
    } else scores = candidates.map((c) => overlap(fact, c.s));
    const threshold = deps.embed ? 0.5 : 0.25;
    candidates.forEach((c, k) => {
      const score = scores[k] as number;
      if (score >= threshold && (!best || score > best.score)) best = { note: c.note, i: c.i, score };
    });
  }
  if (best) {
    const parts = best.note.text.split(/(?<=[.!?])\s+/);
    parts[best.i] = fact;
    return { note: memory.notes.edit(best.note.id, parts.join(' '), 'voice'), action: 'edited' };
  }
  return { note: memory.notes.add({ personId, text: fact, actor: 'voice' }), action: 'added' };
}

async function refreshVectorsSafely(deps: FeedbackDeps, ids: MemoryId[]): Promise<void> {
  if (deps.embed) await refreshVectors(deps.memory, deps.embed, deps.embeddingModel, ids);
}
