import type { Memory, MemoryId, Person } from '../../memory/types.js';
import { describeMemory, type Embed, type Evidence, toFloat32 } from './evidence.js';

/*
 * Which memories a question is about: full-text search (FTS5 bm25) and sentence-
 * embedding search (sqlite-vec) fused by reciprocal rank, plus the memories of the
 * people the question names or the wearer is looking at. Rank fusion needs no score
 * calibration between bm25 and cosine, which is why it is used here.
 */

export interface RetrievalOptions {
  k: number;
  embed?: Embed;
  embeddingModel: string;
  /** The identified person in view, if any. */
  personInView?: number | null;
}

export interface Retrieval {
  evidence: Evidence[];
  /** People the question names, and the one in view. */
  focus: Person[];
}

const RRF_K = 60;
/** A focused person's memory gets about what a first-ranked hit in one list gets. */
const FOCUS_BOOST = 1 / (RRF_K + 1);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** People named in the text, by full name or by a first name that only one person has. */
export function peopleNamed(text: string, people: Person[]): Person[] {
  const firsts = new Map<string, Person[]>();
  for (const p of people) {
    const first = p.name.split(/\s+/)[0]?.toLowerCase() ?? '';
    firsts.set(first, [...(firsts.get(first) ?? []), p]);
  }
  const has = (name: string) => new RegExp(`(^|[^\\p{L}])${escapeRegExp(name)}($|[^\\p{L}])`, 'iu').test(text);
  return people.filter((p) => {
    if (has(p.name)) return true;
    const first = p.name.split(/\s+/)[0] ?? '';
    return first.length > 1 && (firsts.get(first.toLowerCase())?.length ?? 0) === 1 && has(first);
  });
}

export async function retrieve(memory: Memory, question: string, opts: RetrievalOptions): Promise<Retrieval> {
  const people = memory.people.list();
  const byId = new Map<number, Person>(people.map((p) => [p.id, p]));
  const focus = peopleNamed(question, people);
  if (opts.personInView != null && !focus.some((p) => p.id === opts.personInView)) {
    const inView = byId.get(opts.personInView);
    if (inView) focus.push(inView);
  }
  const scores = new Map<MemoryId, number>();
  const add = (id: MemoryId, s: number): void => {
    scores.set(id, (scores.get(id) ?? 0) + s);
  };
  const depth = opts.k * 4;
  for (const [rank, h] of memory.notes.search(question, depth).entries()) add(h.memoryId, 1 / (RRF_K + rank + 1));
  if (opts.embed) {
    const [v] = await opts.embed([question]);
    if (v) {
      const hits = memory.textVectors
        .nearest(toFloat32(v), opts.embeddingModel, depth)
        .filter((h) => h.memoryId.startsWith('note:') || h.memoryId.startsWith('encounter:'));
      for (const [rank, h] of hits.entries()) add(h.memoryId, 1 / (RRF_K + rank + 1));
    }
  }
  // The focused people's own notes and latest encounters are candidates even when
  // no search found them ("what do I know about her?" has no content words).
  for (const p of focus) {
    for (const n of memory.notes.forPerson(p.id).slice(0, opts.k)) add(`note:${n.id}`, 0);
    for (const e of memory.encounters.forPerson(p.id).slice(0, 2)) add(`encounter:${e.id}`, 0);
  }
  const focusIds = new Set(focus.map((p) => p.id));
  const evidence: Evidence[] = [];
  for (const [id, s] of scores) {
    const d = describeMemory(memory, id, byId);
    if (!d) continue;
    const boost = d.personId !== null && focusIds.has(d.personId) ? FOCUS_BOOST : 0;
    evidence.push({ ...d, score: s + boost });
  }
  evidence.sort((a, b) => b.score - a.score || a.memoryId.localeCompare(b.memoryId));
  return { evidence: evidence.slice(0, opts.k), focus };
}
