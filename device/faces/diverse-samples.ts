/*
 * Which face samples to keep when a person has more than the bound: start from the
 * most typical one (closest to the mean) and repeatedly add the one least like
 * those kept (farthest-point sampling), so the kept set spans poses and lighting
 * rather than piling up near-duplicates of one moment.
 */

import { cosine } from '../vector-math.js';

export interface Embedded<T> {
  item: T;
  embedding: Float32Array;
  /** Tie-breaker and weight: higher quality is preferred among equally diverse candidates. */
  quality?: number;
}

export function mostDiverse<T>(candidates: Array<Embedded<T>>, keep: number): T[] {
  if (candidates.length <= keep) return candidates.map((c) => c.item);
  const dim = candidates[0]?.embedding.length ?? 0;
  const mean = new Float32Array(dim);
  for (const c of candidates) for (let i = 0; i < dim; i++) (mean[i] as number) += c.embedding[i] as number;
  const weight = (c: Embedded<T>) => 0.5 + 0.5 * (c.quality ?? 1);
  let first = candidates[0] as Embedded<T>;
  for (const c of candidates) if (cosine(c.embedding, mean) * weight(c) > cosine(first.embedding, mean) * weight(first)) first = c;
  const kept: Array<Embedded<T>> = [first];
  const rest = candidates.filter((c) => c !== first);
  // For each candidate, its highest similarity to anything kept so far.
  const nearest = rest.map((c) => cosine(c.embedding, first.embedding));
  while (kept.length < keep) {
    let best = -1;
    let bestScore = -Infinity;
    rest.forEach((c, i) => {
      if (kept.includes(c)) return;
      const score = (1 - (nearest[i] as number)) * weight(c);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    const chosen = rest[best] as Embedded<T>;
    kept.push(chosen);
    rest.forEach((c, i) => {
      nearest[i] = Math.max(nearest[i] as number, cosine(c.embedding, chosen.embedding));
    });
  }
  return kept.map((c) => c.item);
}
