import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { createCamera, type Frame } from '../../hardware/camera/index.js';
import { jpegOf, meanRed, truncatedJpeg } from './camera-fixtures.js';

const cfg = (over: Partial<ReturnType<typeof defaultConfig>['camera']>) => ({
  ...defaultConfig().camera,
  source: 'replay' as const,
  ...over,
});

async function drain(camera: ReturnType<typeof createCamera>): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (let f = await camera.next(); f; f = await camera.next()) frames.push(f);
  return frames;
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-replay-'));
  writeFileSync(join(dir, 'f1.jpg'), await jpegOf(200, 0, 0));
  writeFileSync(
    join(dir, 'f2.png'),
    await jpegOf(100, 0, 0, 64, 48).then(async (j) => (await import('sharp')).default(j).png().toBuffer()),
  );
  writeFileSync(join(dir, 'f10.jpg'), await jpegOf(20, 0, 0));
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay camera', () => {
  it('plays a folder in natural name order and ends without loop', async () => {
    const camera = createCamera(cfg({ path: dir, fps: 50 }));
    await camera.start();
    await camera.start(); // a second start (runtime, then stage) must not play the folder twice
    const frames = await drain(camera);
    expect(frames.map((f) => Math.round(meanRed(f.data) / 10) * 10)).toEqual([200, 100, 20]);
    expect(frames.every((f) => f.width === 64 && f.height === 48 && f.data.length === 64 * 48 * 3)).toBe(true);
    expect(frames[1]!.at).toBeGreaterThan(frames[0]!.at);
    expect(camera.stats()).toMatchObject({ captured: 3, delivered: 3, dropped: 0, corrupt: 0 });
  });

  it('keeps only the newest frame while the pipeline is busy and counts the drops', async () => {
    const camera = createCamera(cfg({ path: dir, fps: 100, loop: true }));
    await camera.start();
    await new Promise((r) => setTimeout(r, 200)); // busy: ~20 frames arrive untaken
    const capturedBefore = camera.stats().captured;
    const frame = await camera.next();
    const stats = camera.stats();
    await camera.stop();
    expect(frame).not.toBeNull();
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delivered).toBe(1);
    // The one delivered frame is the newest captured when it was asked for (or newer), never an old queued one.
    expect(frame!.seq).toBeGreaterThanOrEqual(capturedBefore);
    expect(await camera.next()).toBeNull();
  });

  it('skips and counts corrupt and missing frames in a timeline, holds entries and plays blanks', async () => {
    writeFileSync(join(dir, 'broken.jpg'), await truncatedJpeg());
    const timeline = join(dir, 'scene.yaml');
    writeFileSync(
      timeline,
      [
        'fps: 100',
        'frames:',
        '  - file: f1.jpg',
        '    holdMs: 30',
        '  - file: broken.jpg',
        '  - file: gone.jpg',
        '  - blank: true',
        '  - file: f10.jpg',
      ].join('\n'),
    );
    const camera = createCamera(cfg({ path: timeline, width: 32, height: 32 }));
    await camera.start();
    const frames = await drain(camera);
    const reds = frames.map((f) => Math.round(meanRed(f.data) / 10) * 10);
    expect(reds.filter((r) => r === 200).length).toBe(3); // held 30 ms at 100 fps
    expect(reds.slice(-2)).toEqual([0, 20]); // the blank, then the last image
    expect(camera.stats().corrupt).toBe(2); // the truncated JPEG and the missing file
    // downscaled to fit 32x32, aspect kept
    expect(frames.at(-1)).toMatchObject({ width: 32, height: 24 });
    expect(frames.at(-2)).toMatchObject({ width: 32, height: 32 });
  });

  it('refuses a bad timeline with the offending path, and a missing path', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ frames: [{ file: 'a.jpg', holdMs: -1 }] }));
    expect(() => createCamera(cfg({ path: bad }))).toThrow(/frames\.0/);
    try {
      createCamera(cfg({ path: join(dir, 'nope') }));
      expect.unreachable();
    } catch (err) {
      expect(isMnemoError(err, 'camera-unavailable')).toBe(true);
    }
  });

  it('decodes a video through ffmpeg at its own rate and at the configured rate', async () => {
    const video = join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=20',
      '-t',
      '0.5',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    const native = createCamera(cfg({ path: video }));
    await native.start();
    const frames = await drain(native);
    expect(native.stats().captured).toBe(10);
    expect(frames.length + native.stats().dropped).toBe(10);
    expect(frames[0]).toMatchObject({ width: 160, height: 120 });

    const slower = createCamera(cfg({ path: video, videoFps: 'config', fps: 10 }));
    await slower.start();
    await drain(slower);
    expect(slower.stats().captured).toBe(5);
  });
});
