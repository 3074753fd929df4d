import type { Config } from '../../config/schema.js';
import type { Memory } from '../../memory/types.js';
import type { Box } from '../../models/faces/types.js';
import type { Clock, EnrollOutcome } from '../contracts.js';
import { mostDiverse } from './diverse-samples.js';
import type { TrackEvidence } from './track-evidence.js';

/*
 * "This is Tom": the face the wearer means is the most prominent one (large,
 * near the middle of the view, surely a face). If a second face is nearly as prominent, guessing
 * would attach a name to the wrong person, so it refuses with a sentence the
 * voice stage can speak.
 */

export interface EnrollCandidate {
  evidence: TrackEvidence;
  box: Box;
}

export interface EnrollInput {
  name: string;
  context: { note?: string; place?: string };
  /** Tracks in view now (or, when none is, those within their grace period). */
  candidates: EnrollCandidate[];
  view: { width: number; height: number } | null;
  memory: Memory;
  modelId: string;
  faces: Config['faces'];
  clock: Clock;
}

/** A second face at least this prominent relative to the first makes the choice ambiguous. */
const AMBIGUOUS_RATIO = 0.8;
const SAMPLES_PER_ENROLL = 3;

export const ENROLL_MESSAGES = {
  'no-face': "I don't see anyone's face right now.",
  ambiguous: 'I see more than one face. Look straight at the person you mean and say it again.',
  'low-quality': "I can't see their face clearly enough. Try again when they face you.",
} as const;

export function prominence(box: Box, view: { width: number; height: number }): number {
  const area = (box.width * box.height) / (view.width * view.height);
  const dx = (box.x + box.width / 2 - view.width / 2) / (view.width / 2);
  const dy = (box.y + box.height / 2 - view.height / 2) / (view.height / 2);
  const centrality = Math.max(0, 1 - Math.hypot(dx, dy) / Math.SQRT2);
  return area * (0.25 + 0.75 * centrality);
}

export async function enrollInView(input: EnrollInput): Promise<EnrollOutcome & { trackId?: string }> {
  const { candidates, view, memory } = input;
  if (candidates.length === 0 || !view) return refuse('no-face');
  // Detector score counts steeply (as in models/faces/main-face.ts): UltraFace can give a background blob 0.96.
  const ranked = candidates.map((c) => ({ c, p: prominence(c.box, view) * c.evidence.detectorScore ** 8 })).sort((a, b) => b.p - a.p);
  const [top, second] = ranked;
  if (!top) return refuse('no-face');
  if (second && second.p >= top.p * AMBIGUOUS_RATIO) return refuse('ambiguous');
  const samples = top.c.evidence.samples;
  if (samples.length === 0) return refuse('low-quality');

  const chosen = mostDiverse(
    samples.map((s) => ({ item: s, embedding: s.embedding, quality: s.quality })),
    SAMPLES_PER_ENROLL,
  );
  const best = chosen.reduce((a, b) => (b.quality > a.quality ? b : a));
  const now = input.clock.now();
  const existing = memory.people.findByName(input.name);
  const thumbnail = existing && memory.faces.thumbnail(existing.id) ? undefined : await best.face.thumbnail().catch(() => undefined);
  const rows = chosen.map((s) => ({
    modelId: input.modelId,
    // A copy: the track's own vector is zeroed when the track ends.
    embedding: Float32Array.from(s.embedding),
    quality: s.quality,
    thumbnail: s === best ? thumbnail : undefined,
    capturedAt: now,
  }));
  const place = input.context.place;
  let personId: number;
  let encounterId: number | null;
  if (existing) {
    personId = existing.id;
    memory.faces.add(personId, rows, 'voice');
    encounterId = memory.encounters.start(personId, { source: 'face', place, at: now, actor: 'voice' }).id;
    if (input.context.note) memory.notes.add({ personId, text: input.context.note, actor: 'voice' });
    pruneSamples(memory, personId, input.modelId, input.faces.maxSamplesPerPerson);
  } else {
    const result = memory.people.enroll({
      name: input.name,
      samples: rows,
      encounter: { place, source: 'face', startedAt: now },
      note: input.context.note,
      actor: 'voice',
    });
    personId = result.person.id;
    encounterId = result.encounterId;
  }
  top.c.evidence.nameAs(personId);
  const total = memory.faces.forPerson(personId).filter((s) => s.modelId === input.modelId).length;
  return {
    ok: true,
    personId,
    name: memory.people.get(personId)?.name ?? input.name,
    samples: total,
    encounterId,
    created: !existing,
    trackId: top.c.evidence.trackId,
  };
}

/** Keeps at most `max` samples of this model per person, the most diverse ones. */
export function pruneSamples(memory: Memory, personId: number, modelId: string, max: number): number {
  const all = memory.faces.embeddings(personId, modelId);
  if (all.length <= max) return 0;
  const quality = new Map(memory.faces.forPerson(personId).map((s) => [s.id, s.quality]));
  const keep = new Set(
    mostDiverse(
      all.map((s) => ({ item: s.sampleId, embedding: s.embedding, quality: quality.get(s.sampleId) })),
      max,
    ),
  );
  const drop = all.map((s) => s.sampleId).filter((id) => !keep.has(id));
  memory.faces.remove(drop, 'voice');
  return drop.length;
}

function refuse(reason: 'no-face' | 'ambiguous' | 'low-quality'): EnrollOutcome {
  return { ok: false, reason, message: ENROLL_MESSAGES[reason] };
}
