import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { type CameraUnavailable, createCamera } from '../../hardware/camera/index.js';
import { jpegOf, meanRed, truncatedJpeg } from './camera-fixtures.js';

/*
 * A fake `rpicam-vid` on PATH: a script that streams JPEGs to stdout like the real
 * one with `--codec mjpeg -o -`. Its first run sends a good frame, a corrupt one and
 * another good one, then dies like an unplugged camera; later runs stream steadily.
 */
const FAKE = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_RPICAM_DIR;
const runsFile = path.join(dir, 'runs');
const run = (fs.existsSync(runsFile) ? Number(fs.readFileSync(runsFile, 'utf8')) : 0) + 1;
fs.writeFileSync(runsFile, String(run));
fs.writeFileSync(path.join(dir, 'args'), JSON.stringify(process.argv.slice(2)));
const good = fs.readFileSync(path.join(dir, 'good.jpg'));
const second = fs.readFileSync(path.join(dir, 'second.jpg'));
const bad = fs.readFileSync(path.join(dir, 'bad.jpg'));
if (process.env.FAKE_RPICAM_MODE === 'stall') {
  // one frame, then silence with the process still alive (a hung camera driver)
  process.stdout.write(good);
  setInterval(() => {}, 1000);
} else if (run === 1) {
  // one frame at a time (the reader takes each), in odd-sized pieces as a pipe would
  const frames = [good, bad, second];
  const send = () => {
    const f = frames.shift();
    if (!f) { process.stderr.write('ERROR: *** camera disconnected ***\\n'); process.exit(1); }
    for (let i = 0; i < f.length; i += 333) process.stdout.write(f.subarray(i, i + 333));
    setTimeout(send, 150);
  };
  send();
} else {
  setInterval(() => process.stdout.write(second), 20);
}
`;

let dir: string;
let savedPath: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-rpicam-'));
  writeFileSync(join(dir, 'good.jpg'), await jpegOf(250, 0, 0, 320, 240));
  writeFileSync(join(dir, 'second.jpg'), await jpegOf(60, 0, 0, 320, 240));
  writeFileSync(join(dir, 'bad.jpg'), await truncatedJpeg());
  writeFileSync(join(dir, 'rpicam-vid'), FAKE);
  chmodSync(join(dir, 'rpicam-vid'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${dir}:${savedPath}`;
  process.env.FAKE_RPICAM_DIR = dir;
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

describe('rpicam camera (fake rpicam-vid on PATH)', () => {
  it('splits the MJPEG stream, skips a corrupt frame, reports a death and restarts with back-off', async () => {
    const camera = createCamera({ ...defaultConfig().camera, source: 'rpicam', width: 320, height: 240, fps: 15, restartBackoffMs: 50 });
    const unavailable: CameraUnavailable[] = [];
    camera.onUnavailable((e) => unavailable.push(e));
    await camera.start();
    const first = await camera.next();
    expect(meanRed(first!.data)).toBeGreaterThan(240);
    const reds: number[] = [];
    // After the death, the restarted process streams the second image.
    while (unavailable.length === 0 || reds.length < 3) {
      const f = await camera.next();
      reds.push(Math.round(meanRed(f!.data)));
    }
    await camera.stop();
    expect(reds.every((r) => Math.abs(r - 60) < 5)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'args'), 'utf8'))).toEqual(
      expect.arrayContaining(['--codec', 'mjpeg', '-o', '-', '--width', '320', '--height', '240']),
    );
    const stats = camera.stats();
    expect(stats.corrupt).toBe(1);
    expect(stats.restarts).toBeGreaterThanOrEqual(1);
    expect(unavailable[0]).toMatchObject({ code: 'camera-unavailable', source: 'rpicam', attempt: 1, retryInMs: 50 });
    expect(unavailable[0]!.reason).toMatch(/code 1.*camera disconnected/);
    expect(await camera.next()).toBeNull();
  });

  it('refuses to start with camera-unavailable and a fix when rpicam-vid is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const camera = createCamera({ ...defaultConfig().camera, source: 'rpicam' });
      const err = await camera.start().catch((e: unknown) => e);
      expect(isMnemoError(err, 'camera-unavailable')).toBe(true);
      expect((err as Error).message).toMatch(/rpicam-vid not found/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('kills and restarts a camera that stalls (alive but silent)', async () => {
    process.env.FAKE_RPICAM_MODE = 'stall';
    try {
      const camera = createCamera({ ...defaultConfig().camera, source: 'rpicam', stallSeconds: 0.3, restartBackoffMs: 50 });
      const unavailable: CameraUnavailable[] = [];
      camera.onUnavailable((e) => unavailable.push(e));
      await camera.start();
      expect(await camera.next()).not.toBeNull();
      while (unavailable.length === 0) await new Promise((r) => setTimeout(r, 50));
      await camera.stop();
      expect(unavailable[0]!.reason).toMatch(/SIGKILL/);
    } finally {
      delete process.env.FAKE_RPICAM_MODE;
    }
  });
});
