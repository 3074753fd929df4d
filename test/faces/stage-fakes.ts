import { decide } from '../../device/faces/identity.js';
import type { IdentityMatcher } from '../../device/faces/track-evidence.js';
import type { Camera, CameraStats, CameraUnavailable, Frame } from '../../hardware/camera/index.js';
import type { AnalyzedFace, Box, FaceAnalysis, FaceAnalyzer } from '../../models/faces/types.js';
import { strict } from '../recall/fakes.js';

/*
 * Fakes around the faces stage. A fake face's embedding carries its scores:
 * element i is the similarity to person i+1, so a test scripts who a face looks like.
 */

export const THRESHOLD = 0.9;
export const MARGIN = 0.03;

export const scriptedMatcher = (): IdentityMatcher & { invalidations: number } => {
  const m = {
    invalidations: 0,
    scores: (e: Float32Array) =>
      [...e].map((similarity, i) => ({ personId: i + 1, similarity })).sort((a, b) => b.similarity - a.similarity),
    decide: (scores: Array<{ personId: number; similarity: number }>) => decide(scores, { threshold: THRESHOLD, margin: MARGIN }),
    invalidate: () => {
      m.invalidations++;
    },
  };
  return m;
};

export function face(box: Box, sims: number[] | null, opts: { quality?: number; ok?: boolean } = {}): AnalyzedFace {
  const ok = opts.ok ?? sims !== null;
  return {
    box,
    score: 0.99,
    landmarks: null,
    quality: { size: box.width, blur: 100, yaw: 0, score: opts.quality ?? 0.8, ok, reasons: ok ? [] : ['too-small'] },
    embedding: ok && sims ? Float32Array.from(sims) : null,
    thumbnail: async () => Buffer.from('thumb'),
  };
}

/** An analyzer that returns the scripted faces of each frame in turn. */
export class ScriptedAnalyzer implements FaceAnalyzer {
  readonly modelId = 'fake-model';
  private readonly script: AnalyzedFace[][] = [];
  loaded = 0;
  queue(...frames: AnalyzedFace[][]): void {
    this.script.push(...frames);
  }
  async load(): Promise<void> {
    this.loaded++;
  }
  async analyze(): Promise<FaceAnalysis> {
    const faces = this.script.shift();
    if (!faces) throw new Error('fake analyzer: no frame scripted');
    return { faces, steps: { detect: 1, landmarks: 0.5, embed: 2 } };
  }
  async dispose(): Promise<void> {}
}

let seq = 0;
export function frame(at: number, width = 640, height = 480): Frame {
  return { data: Buffer.alloc(0), width, height, at, seq: ++seq, decodeMs: 1 };
}

export const fakeCamera = () => {
  const stats: CameraStats = { captured: 0, delivered: 0, dropped: 2, corrupt: 0, restarts: 0 };
  return strict<Camera>('camera', { stats: () => stats });
};

export const CENTER: Box = { x: 270, y: 190, width: 100, height: 100 };
export const LEFT: Box = { x: 20, y: 20, width: 100, height: 100 };
export const RIGHT: Box = { x: 520, y: 20, width: 100, height: 100 };

/** A camera that hands out the given frames, then ends; it can report itself unavailable. */
export class ScriptedCamera implements Camera {
  readonly source = 'scripted';
  private listeners: Array<(e: CameraUnavailable) => void> = [];
  constructor(private readonly frames: Frame[]) {}
  async start(): Promise<void> {}
  async next(): Promise<Frame | null> {
    return this.frames.shift() ?? null;
  }
  stats(): CameraStats {
    return { captured: 0, delivered: 0, dropped: 0, corrupt: 0, restarts: 0 };
  }
  onUnavailable(l: (e: CameraUnavailable) => void): void {
    this.listeners.push(l);
  }
  die(reason: string): void {
    for (const l of this.listeners) l({ code: 'camera-unavailable', source: this.source, reason, attempt: 1, retryInMs: 500 });
  }
  async stop(): Promise<void> {}
}
