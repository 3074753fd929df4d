import type { Box } from '../../models/faces/types.js';

/*
 * An IoU tracker: each face in a frame continues the track whose last box it
 * overlaps most (greedy, best pairs first), or starts a new one. A track survives a
 * few frames without a match (a blink, a missed detection) before it is lost.
 */

export interface TrackerOptions {
  /** Minimum overlap for a face to continue a track. */
  iouThreshold: number;
  /** Consecutive frames without a match before a track is lost. */
  maxMissedFrames: number;
  /** Or this long without a match (a stalled camera must not keep tracks alive). */
  maxMissedMs: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { iouThreshold: 0.3, maxMissedFrames: 3, maxMissedMs: 1500 };

export interface Track {
  id: string;
  box: Box;
  firstSeen: number;
  lastSeen: number;
  /** Frames in a row without a match (0: in the latest frame). */
  missed: number;
  hits: number;
}

export interface TrackUpdate {
  /** For each input box, the track it belongs to. */
  assigned: Array<{ index: number; track: Track; isNew: boolean }>;
  lost: Track[];
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export class IouTracker {
  private readonly tracks = new Map<string, Track>();
  private nextId = 1;

  constructor(private readonly opts: TrackerOptions = DEFAULT_TRACKER) {}

  update(boxes: Box[], at: number): TrackUpdate {
    const pairs: Array<{ t: Track; i: number; overlap: number }> = [];
    for (const t of this.tracks.values()) {
      boxes.forEach((b, i) => {
        const overlap = iou(t.box, b);
        if (overlap >= this.opts.iouThreshold) pairs.push({ t, i, overlap });
      });
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const usedTracks = new Set<string>();
    const assigned: TrackUpdate['assigned'] = [];
    const usedBoxes = new Set<number>();
    for (const { t, i } of pairs) {
      if (usedTracks.has(t.id) || usedBoxes.has(i)) continue;
      usedTracks.add(t.id);
      usedBoxes.add(i);
      Object.assign(t, { box: boxes[i] as Box, lastSeen: at, missed: 0, hits: t.hits + 1 });
      assigned.push({ index: i, track: t, isNew: false });
    }
    boxes.forEach((box, index) => {
      if (usedBoxes.has(index)) return;
      const track: Track = { id: `t${this.nextId++}`, box, firstSeen: at, lastSeen: at, missed: 0, hits: 1 };
      this.tracks.set(track.id, track);
      usedTracks.add(track.id);
      assigned.push({ index, track, isNew: true });
    });
    const lost: Track[] = [];
    for (const t of this.tracks.values()) {
      if (usedTracks.has(t.id)) continue;
      t.missed++;
      if (t.missed >= this.opts.maxMissedFrames || at - t.lastSeen > this.opts.maxMissedMs) lost.push(t);
    }
    for (const t of lost) this.tracks.delete(t.id);
    assigned.sort((a, b) => a.index - b.index);
    return { assigned, lost };
  }

  /** Ends tracks not matched for maxMissedMs, for when no frames come at all (camera dead, replay over). */
  expire(at: number): Track[] {
    const lost = [...this.tracks.values()].filter((t) => at - t.lastSeen > this.opts.maxMissedMs);
    for (const t of lost) this.tracks.delete(t.id);
    return lost;
  }

  active(): Track[] {
    return [...this.tracks.values()];
  }

  /** Ends every track (camera stopped). */
  clear(): Track[] {
    const all = this.active();
    this.tracks.clear();
    return all;
  }
}
