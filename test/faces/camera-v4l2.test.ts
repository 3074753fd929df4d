import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { createCamera } from '../../hardware/camera/index.js';
import { jpegOf, meanRed } from './camera-fixtures.js';

/*
 * The v4l2 adapter runs ffmpeg on the device. Here a fake `ffmpeg` on PATH (this
 * test file's process only) records its arguments and streams JPEGs as
 * `-f image2pipe -c:v mjpeg -` would; it appends its pid to a file so the test can see that
 * stop() really ends it.
 */
const FAKE = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_FFMPEG_DIR;
fs.writeFileSync(path.join(dir, 'args'), JSON.stringify(process.argv.slice(2)));
fs.appendFileSync(path.join(dir, 'pids'), process.pid + '\\n');
const jpeg = fs.readFileSync(path.join(dir, 'frame.jpg'));
setInterval(() => process.stdout.write(jpeg), 20);
`;

let dir: string;
let savedPath: string | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-v4l2-'));
  writeFileSync(join(dir, 'frame.jpg'), await jpegOf(180, 0, 0, 320, 240));
  writeFileSync(join(dir, 'ffmpeg'), FAKE);
  chmodSync(join(dir, 'ffmpeg'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${dir}:${savedPath}`;
  process.env.FAKE_FFMPEG_DIR = dir;
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('v4l2 camera (fake ffmpeg on PATH)', () => {
  it('reads the device through ffmpeg as MJPEG and stops the process on stop()', async () => {
    const camera = createCamera({ ...defaultConfig().camera, source: 'v4l2', device: '/dev/video7', width: 320, height: 240, fps: 10 });
    await camera.start();
    await camera.start(); // idempotent: no second ffmpeg
    const frame = await camera.next();
    expect(frame).toMatchObject({ width: 320, height: 240 });
    expect(Math.round(meanRed(frame!.data))).toBeGreaterThan(170);
    const args = JSON.parse(readFileSync(join(dir, 'args'), 'utf8')) as string[];
    expect(args.join(' ')).toContain('-f v4l2 -framerate 10 -video_size 320x240 -i /dev/video7');
    expect(args.join(' ')).toContain('-f image2pipe -c:v mjpeg');
    await new Promise((r) => setTimeout(r, 200)); // time for a second process to show itself, were there one
    const pids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n');
    expect(pids).toHaveLength(1);
    const pid = Number(pids[0]);
    expect(alive(pid)).toBe(true);
    await camera.stop();
    expect(alive(pid)).toBe(false);
    expect(await camera.next()).toBeNull();
    expect(camera.stats().restarts).toBe(0);
  });
});
