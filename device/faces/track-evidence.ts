import type { AnalyzedFace } from '../../models/faces/types.js';
import type { IdentityDecision, PersonScore } from './identity.js';

/*
 * What one track has shown so far, and who (if anyone) it is. A name needs
 * `framesToDecide` frames in a row that each name the same person, their averaged
 * scores passing threshold and margin too, and no frame in the recent history
 * naming anyone else: a track that flickers between two people stays silent.
 * The embeddings kept here are the only copy of a stranger's face: RAM only,
 * wiped (zeroed) when the track's grace period ends.
 */

/** Per-person scores of one embedding and the threshold/margin rule (MemoryIdentity in device/faces/identity.ts). */
export interface IdentityMatcher {
  scores(embedding: Float32Array): PersonScore[];
  decide(scores: PersonScore[]): IdentityDecision;
  /** Drops cached templates after people or samples changed. */
  invalidate?(personId?: number): void;
}

export interface KeptSample {
  embedding: Float32Array;
  quality: number;
  face: AnalyzedFace;
  at: number;
}

export type TrackStatus = 'pending' | 'named' | 'unknown' | 'ambiguous';

export interface Identified {
  personId: number;
  similarity: number;
  margin: number;
}

const KEEP_SAMPLES = 6;

export class TrackEvidence {
  status: TrackStatus = 'pending';
  personId: number | null = null;
  /** Named by enrollment: the wearer just said who it is, so nothing is whispered. */
  silent = false;
  samples: KeptSample[] = [];
  /** The detector's latest score for this face (a background blob can be large but scores lower). */
  detectorScore = 0;
  private history: Array<{ decision: IdentityDecision; scores: PersonScore[] }> = [];

  constructor(
    readonly trackId: string,
    private readonly framesToDecide: number,
  ) {}

  /** Adds one frame's face; returns the identification when this frame decided it. */
  add(face: AnalyzedFace, at: number, matcher: IdentityMatcher): Identified | null {
    this.detectorScore = face.score;
    if (!face.embedding || !face.quality.ok) return null;
    this.keep({ embedding: face.embedding, quality: face.quality.score, face, at });
    const scores = matcher.scores(face.embedding);
    const decision = matcher.decide(scores);
    this.history.push({ decision, scores });
    const maxHistory = this.framesToDecide * 3;
    if (this.history.length > maxHistory) this.history.splice(0, this.history.length - maxHistory);
    return this.judge(matcher);
  }

  /** Marks the track as a person the wearer just named (enrollment). */
  nameAs(personId: number): void {
    this.status = 'named';
    this.personId = personId;
    this.silent = true;
  }

  /** Zeroes and drops every embedding and face reference (bystander rule). */
  wipe(): void {
    for (const s of this.samples) s.embedding.fill(0);
    for (const h of this.history) h.scores.length = 0;
    this.samples = [];
    this.history = [];
  }

  private judge(matcher: IdentityMatcher): Identified | null {
    const n = this.framesToDecide;
    const last = this.history.slice(-n);
    const latest = last.at(-1)?.decision;
    if (!latest) return null;
    const named = (d: IdentityDecision) => (d.kind === 'named' ? d.personId : null);
    const candidate = named(latest);
    const consistent = last.length === n && candidate !== null && last.every((h) => named(h.decision) === candidate);
    const rival = this.history.some((h) => {
      const p = named(h.decision);
      return p !== null && p !== candidate;
    });
    if (this.status === 'named') {
      // A named track that now clearly shows someone else is no longer trusted.
      if (consistent && candidate !== this.personId) this.status = 'ambiguous';
      return null;
    }
    if (!consistent || rival) {
      if (rival) this.status = 'ambiguous';
      else this.status = latest.kind === 'named' ? 'pending' : latest.kind;
      return null;
    }
    const combined = matcher.decide(averageScores(last.map((h) => h.scores)));
    if (combined.kind !== 'named' || combined.personId !== candidate) {
      this.status = combined.kind === 'named' ? 'ambiguous' : combined.kind;
      return null;
    }
    this.status = 'named';
    this.personId = candidate;
    return { personId: candidate, similarity: combined.similarity, margin: combined.margin };
  }

  private keep(sample: KeptSample): void {
    if (this.samples.length < KEEP_SAMPLES) {
      this.samples.push(sample);
      return;
    }
    let worst = 0;
    for (let i = 1; i < this.samples.length; i++)
      if ((this.samples[i] as KeptSample).quality < (this.samples[worst] as KeptSample).quality) worst = i;
    const dropped = this.samples[worst] as KeptSample;
    if (sample.quality <= dropped.quality) return;
    dropped.embedding.fill(0);
    this.samples[worst] = sample;
  }
}

/** Mean similarity per person over frames; a person missing from a frame's list counts as that frame's lowest score. */
export function averageScores(frames: PersonScore[][]): PersonScore[] {
  const people = new Set(frames.flatMap((f) => f.map((s) => s.personId)));
  const out: PersonScore[] = [];
  for (const personId of people) {
    let sum = 0;
    for (const f of frames) {
      const hit = f.find((s) => s.personId === personId);
      sum += hit ? hit.similarity : f.length ? Math.min(...f.map((s) => s.similarity)) : 0;
    }
    out.push({ personId, similarity: sum / frames.length });
  }
  return out.sort((a, b) => b.similarity - a.similarity);
}
