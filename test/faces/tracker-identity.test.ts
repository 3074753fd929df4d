import { describe, expect, it } from 'vitest';
import { TrackEvidence } from '../../device/faces/track-evidence.js';
import { CENTER, face, scriptedMatcher } from './stage-fakes.js';

const A = [0.95, 0.8]; // clearly person 1
const B = [0.8, 0.95]; // clearly person 2
const BOTH = [0.94, 0.93]; // above threshold for both: ambiguous
const NOBODY = [0.7, 0.6];

function run(frames: number[][], framesToDecide = 3) {
  const ev = new TrackEvidence('t1', framesToDecide);
  const m = scriptedMatcher();
  const decided = frames.map((sims, i) => ev.add(face(CENTER, sims), i * 200, m));
  return { ev, decided };
}

describe('per-track identity from several frames', () => {
  it('names a person after framesToDecide agreeing frames, once', () => {
    const { ev, decided } = run([A, A, A, A]);
    expect(decided.map((d) => d?.personId ?? null)).toEqual([null, null, 1, null]);
    expect(decided[2]!.similarity).toBeCloseTo(0.95);
    expect(decided[2]!.margin).toBeCloseTo(0.15);
    expect(ev.status).toBe('named');
  });

  it('never names a track that flickers between two people', () => {
    const { ev, decided } = run([A, B, A, B, A, B, A, B, A, B]);
    expect(decided.every((d) => d === null)).toBe(true);
    expect(ev.status).toBe('ambiguous');
    expect(ev.personId).toBeNull();
  });

  it('does not name a track that showed someone else recently, even after agreeing frames', () => {
    const { decided } = run([B, A, A, A]);
    expect(decided.every((d) => d === null)).toBe(true);
  });

  it('keeps ambiguous and unknown faces silent', () => {
    expect(run([BOTH, BOTH, BOTH, BOTH]).decided.every((d) => d === null)).toBe(true);
    expect(run([BOTH, BOTH, BOTH]).ev.status).toBe('ambiguous');
    const unknown = run([NOBODY, NOBODY, NOBODY]);
    expect(unknown.decided.every((d) => d === null)).toBe(true);
    expect(unknown.ev.status).toBe('unknown');
  });

  it('ignores faces that failed the quality gate (no embedding)', () => {
    const ev = new TrackEvidence('t1', 2);
    const m = scriptedMatcher();
    expect(ev.add(face(CENTER, null), 0, m)).toBeNull();
    expect(ev.samples).toHaveLength(0);
    ev.add(face(CENTER, A), 1, m);
    expect(ev.add(face(CENTER, A), 2, m)?.personId).toBe(1);
  });

  it('stops trusting a named track that clearly becomes someone else', () => {
    const { ev } = run([A, A, B, B], 2);
    expect(ev.status).toBe('ambiguous');
  });

  it('keeps the best few samples and zeroes them when wiped', () => {
    const ev = new TrackEvidence('t1', 2);
    const m = scriptedMatcher();
    for (let i = 0; i < 10; i++) ev.add(face(CENTER, [0.5, 0.4], { quality: i / 10 }), i, m);
    expect(ev.samples.map((s) => s.quality).sort()).toEqual([0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    const held = ev.samples.map((s) => s.embedding);
    ev.wipe();
    expect(ev.samples).toEqual([]);
    expect(held.every((e) => e.every((v) => v === 0))).toBe(true);
  });
});
