import type { Memory } from '../../memory/types.js';
import { dot } from '../vector-math.js';

/*
 * Who a face is. Each enrolled person is scored against the embedding (cosine
 * with the person's template: the mean of their samples, which measured better
 * than the best single sample, see test/bench/faces-calibrate.ts), then a rule
 * names the best person only when the similarity clears `threshold` AND leads the
 * runner-up by `margin`; otherwise the face is `unknown` (nobody close) or
 * `ambiguous` (two people close). Abstaining is cheap, a wrong name is not.
 * The pure functions here are what the tracker reuses to pool evidence over frames.
 */

export interface PersonScore {
  personId: number;
  similarity: number;
}

export type IdentityDecision =
  | { kind: 'named'; personId: number; similarity: number; margin: number }
  | { kind: 'unknown' | 'ambiguous'; similarity: number; margin: number };

export interface DecideOptions {
  threshold: number;
  margin: number;
}

/** How a person's samples become one score: their template (mean), their best sample, or the mean of both. */
export type ScoreMode = 'template' | 'best' | 'blend';

/** The threshold-and-margin rule on per-person scores (any order). */
export function decide(scores: PersonScore[], opts: DecideOptions): IdentityDecision {
  const sorted = [...scores].sort((a, b) => b.similarity - a.similarity);
  const best = sorted[0];
  if (!best) return { kind: 'unknown', similarity: 0, margin: 0 };
  const second = sorted[1];
  // With one enrolled person the runner-up is "nobody", at similarity 0.
  const margin = best.similarity - (second ? second.similarity : 0);
  if (best.similarity < opts.threshold) return { kind: 'unknown', similarity: best.similarity, margin };
  if (margin < opts.margin) return { kind: 'ambiguous', similarity: best.similarity, margin };
  return { kind: 'named', personId: best.personId, similarity: best.similarity, margin };
}

/** Unit-length mean of unit vectors: a person's template. */
export function template(embeddings: Float32Array[]): Float32Array {
  const first = embeddings[0];
  if (!first) throw new Error('a template needs at least one embedding');
  const out = new Float32Array(first.length);
  for (const e of embeddings) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (e[i] as number);
  let n = 0;
  for (const v of out) n += v * v;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / n;
  return out;
}

export interface PersonVectors {
  personId: number;
  embeddings: Float32Array[];
  /** Cached `template(embeddings)`. */
  template?: Float32Array;
}

/** Score of one person for a unit embedding. */
export function personScore(embedding: Float32Array, person: PersonVectors, mode: ScoreMode): number {
  person.template ??= template(person.embeddings);
  const t = dot(embedding, person.template);
  if (mode === 'template') return t;
  let best = -1;
  for (const e of person.embeddings) best = Math.max(best, dot(embedding, e));
  return mode === 'best' ? best : (t + best) / 2;
}

/** Every person's score, best first. */
export function scorePeople(embedding: Float32Array, people: PersonVectors[], mode: ScoreMode = 'template'): PersonScore[] {
  return people
    .filter((p) => p.embeddings.length > 0)
    .map((p) => ({ personId: p.personId, similarity: personScore(embedding, p, mode) }))
    .sort((a, b) => b.similarity - a.similarity);
}

/**
 * Scores against the people in memory. Candidates come from the memory's nearest
 * samples (sqlite-vec or brute force, this model id only), then each candidate is
 * scored by template; templates are cached until `invalidate()` (call it after an
 * enrollment, a merge or a forget); a person whose nearest sample is new to the cache is reloaded.
 */
export class MemoryIdentity {
  private cache = new Map<number, PersonVectors & { sampleIds: Set<number> }>();

  constructor(
    private readonly memory: Memory,
    readonly modelId: string,
    private readonly opts: DecideOptions & { mode?: ScoreMode; candidates?: number },
  ) {}

  scores(embedding: Float32Array): PersonScore[] {
    const k = this.opts.candidates ?? 32;
    const hits = this.memory.faces.nearest(embedding, this.modelId, k);
    // A sample the cache has not seen (enrolled by another process, say) refreshes that person.
    for (const h of hits) if (this.cache.get(h.personId)?.sampleIds.has(h.sampleId) === false) this.cache.delete(h.personId);
    const ids = [...new Set(hits.map((h) => h.personId))];
    return scorePeople(
      embedding,
      ids.map((id) => this.vectors(id)),
      this.opts.mode ?? 'template',
    );
  }

  decide(scores: PersonScore[]): IdentityDecision {
    return decide(scores, this.opts);
  }

  identify(embedding: Float32Array): IdentityDecision {
    return this.decide(this.scores(embedding));
  }

  invalidate(personId?: number): void {
    if (personId === undefined) this.cache.clear();
    else this.cache.delete(personId);
  }

  private vectors(personId: number): PersonVectors {
    let v = this.cache.get(personId);
    if (!v) {
      const rows = this.memory.faces.embeddings(personId, this.modelId);
      v = { personId, embeddings: rows.map((r) => r.embedding), sampleIds: new Set(rows.map((r) => r.sampleId)) };
      this.cache.set(personId, v);
    }
    return v;
  }
}
