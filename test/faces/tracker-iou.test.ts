import { describe, expect, it } from 'vitest';
import { IouTracker, iou } from '../../device/faces/tracker.js';

const box = (x: number, y: number, s = 100) => ({ x, y, width: s, height: s });

describe('IoU tracker', () => {
  it('measures overlap', () => {
    expect(iou(box(0, 0), box(0, 0))).toBe(1);
    expect(iou(box(0, 0), box(200, 0))).toBe(0);
    expect(iou(box(0, 0), box(50, 0))).toBeCloseTo(50 / 150);
  });

  it('follows a moving face and keeps two faces apart', () => {
    const t = new IouTracker({ iouThreshold: 0.3, maxMissedFrames: 3, maxMissedMs: 10_000 });
    const a = t.update([box(0, 0), box(300, 0)], 0);
    expect(a.assigned.map((x) => x.isNew)).toEqual([true, true]);
    const [left, right] = a.assigned.map((x) => x.track.id);
    expect(left).not.toBe(right);
    const b = t.update([box(320, 5), box(15, 5)], 200); // order swapped, both moved a little
    expect(b.assigned.map((x) => [x.track.id, x.isNew])).toEqual([
      [right, false],
      [left, false],
    ]);
  });

  it('survives a couple of missed frames, then loses the track', () => {
    const t = new IouTracker({ iouThreshold: 0.3, maxMissedFrames: 3, maxMissedMs: 10_000 });
    const id = t.update([box(0, 0)], 0).assigned[0]!.track.id;
    expect(t.update([], 100).lost).toEqual([]);
    expect(t.update([], 200).lost).toEqual([]);
    expect(t.update([box(5, 5)], 300).assigned[0]!.track.id).toBe(id);
    t.update([], 400);
    t.update([], 500);
    expect(t.update([], 600).lost.map((x) => x.id)).toEqual([id]);
    expect(t.active()).toEqual([]);
    // a face at the same place later is a new track
    expect(t.update([box(0, 0)], 700).assigned[0]!.isNew).toBe(true);
  });

  it('loses a track after maxMissedMs even if few frames came (a stalled camera)', () => {
    const t = new IouTracker({ iouThreshold: 0.3, maxMissedFrames: 3, maxMissedMs: 1000 });
    const id = t.update([box(0, 0)], 0).assigned[0]!.track.id;
    expect(t.update([], 5000).lost.map((x) => x.id)).toEqual([id]);
  });

  it('gives a face that jumped across the view a new track', () => {
    const t = new IouTracker();
    const first = t.update([box(0, 0)], 0).assigned[0]!.track.id;
    const next = t.update([box(400, 300)], 200).assigned[0]!;
    expect(next.isNew).toBe(true);
    expect(next.track.id).not.toBe(first);
  });
});
