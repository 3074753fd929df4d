import type { Memory, MemoryId, Person } from '../../memory/types.js';

/** One memory as the prompt and the grounding check see it. */
export interface Evidence {
  memoryId: MemoryId;
  kind: 'note' | 'encounter';
  personId: number | null;
  personName: string | null;
  /** One line: who, what, where, when. */
  text: string;
  score: number;
}

/** A sentence embedder (USE lite, `models/sentence/`): one vector per text. */
export type Embed = (texts: string[]) => Promise<ArrayLike<number>[]>;

export function toFloat32(v: ArrayLike<number>): Float32Array {
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

export function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The text of a note or an encounter with its person's name, so a vector or a
 * prompt line carries who it is about. Undefined when the row no longer exists.
 */
export function describeMemory(memory: Memory, id: MemoryId, people?: Map<number, Person>): Omit<Evidence, 'score'> | undefined {
  const [kind, raw] = id.split(':') as [string, string];
  const n = Number(raw);
  const nameOf = (pid: number | null) => (pid === null ? null : ((people?.get(pid) ?? memory.people.get(pid))?.name ?? null));
  if (kind === 'note') {
    const note = memory.notes.get(n);
    if (!note) return undefined;
    const name = nameOf(note.personId);
    return { memoryId: id, kind: 'note', personId: note.personId, personName: name, text: name ? `${name}: ${note.text}` : note.text };
  }
  if (kind === 'encounter') {
    const e = memory.encounters.get(n);
    if (!e) return undefined;
    const name = nameOf(e.personId);
    const parts = [`met ${name ?? 'someone'}`, e.place ? `at ${e.place}` : '', `on ${day(e.startedAt)}`].filter(Boolean).join(' ');
    return { memoryId: id, kind: 'encounter', personId: e.personId, personName: name, text: e.context ? `${parts}: ${e.context}` : parts };
  }
  return undefined;
}

/** Back-fills sentence vectors for notes and encounters that have none for `modelId`; returns how many. */
export async function backfillVectors(memory: Memory, embed: Embed, modelId: string, batch = 32, max = Infinity): Promise<number> {
  let done = 0;
  while (done < max) {
    const ids = memory.textVectors.missing(modelId, batch);
    if (!ids.length) return done;
    const rows = ids.flatMap((id) => {
      const d = describeMemory(memory, id);
      return d ? [d] : [];
    });
    if (!rows.length) return done;
    const vectors = await embed(rows.map((r) => r.text));
    for (const [i, r] of rows.entries()) memory.textVectors.upsert(r.memoryId, modelId, toFloat32(vectors[i] as ArrayLike<number>));
    done += rows.length;
    // A row that vanished between missing() and upsert would loop forever; stop when nothing moved.
    if (rows.length < ids.length && memory.textVectors.missing(modelId, batch).length >= ids.length) return done;
  }
  return done;
}

/** Re-embeds rows whose text changed (an edited note, an encounter with a new summary). */
export async function refreshVectors(memory: Memory, embed: Embed, modelId: string, ids: MemoryId[]): Promise<void> {
  const rows = ids.flatMap((id) => {
    const d = describeMemory(memory, id);
    return d ? [d] : [];
  });
  if (!rows.length) return;
  const vectors = await embed(rows.map((r) => r.text));
  for (const [i, r] of rows.entries()) memory.textVectors.upsert(r.memoryId, modelId, toFloat32(vectors[i] as ArrayLike<number>));
}
