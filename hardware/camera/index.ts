import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { MnemoError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { ProcessCamera } from './process-camera.js';
import { ReplayCamera } from './replay-camera.js';
import { folderTimeline, IMAGE_EXTENSIONS, readTimeline, TIMELINE_EXTENSIONS, VIDEO_EXTENSIONS } from './timeline.js';
import type { Camera } from './types.js';

export type { Camera, CameraStats, CameraUnavailable, Frame } from './types.js';

export interface CameraDeps {
  /** Monotonic clock for frame timestamps (default performance.now). */
  now?: () => number;
}

/** The camera the config names. Nothing is spawned or read until start(). */
export function createCamera(config: Config['camera'], deps: CameraDeps = {}): Camera {
  const common = { maxWidth: config.width, maxHeight: config.height, now: deps.now };
  const live = {
    backoffMs: config.restartBackoffMs,
    maxBackoffMs: config.maxRestartBackoffMs,
    stallMs: config.stallSeconds * 1000,
  };
  switch (config.source) {
    case 'rpicam':
      return new ProcessCamera({
        ...common,
        ...live,
        source: 'rpicam',
        command: 'rpicam-vid',
        args: [
          ...['-t', '0', '--nopreview', '--codec', 'mjpeg'],
          ...['--width', String(config.width), '--height', String(config.height), '--framerate', String(config.fps)],
          ...['-o', '-'],
        ],
        fix: 'install rpicam-apps (apt install rpicam-apps) and check the camera cable, or set camera.source',
      });
    case 'v4l2':
      return new ProcessCamera({
        ...common,
        ...live,
        source: 'v4l2',
        command: 'ffmpeg',
        args: [
          ...['-hide_banner', '-loglevel', 'error', '-f', 'v4l2'],
          ...['-framerate', String(config.fps), '-video_size', `${config.width}x${config.height}`, '-i', config.device],
          ...['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '5', '-'],
        ],
        fix: `install ffmpeg and check that ${config.device} exists and is readable (group video)`,
      });
    case 'replay':
      return replayCamera(config, common);
  }
}

function replayCamera(config: Config['camera'], common: { maxWidth: number; maxHeight: number; now?: () => number }): Camera {
  const path = config.path;
  if (!path || !existsSync(path)) {
    throw new MnemoError('camera-unavailable', `replay camera: ${path ? `${path} does not exist` : 'camera.path is not set'}`, {
      fix: 'set camera.path to a folder of images, a video file or a timeline file',
    });
  }
  const ext = extname(path).toLowerCase();
  if (statSync(path).isDirectory())
    return new ReplayCamera({ ...common, timeline: folderTimeline(path), fps: config.fps, loop: config.loop });
  if (TIMELINE_EXTENSIONS.has(ext))
    return new ReplayCamera({ ...common, timeline: readTimeline(path), fps: config.fps, loop: config.loop });
  if (IMAGE_EXTENSIONS.has(ext)) {
    return new ReplayCamera({ ...common, timeline: { entries: [{ file: path, holdMs: 0 }] }, fps: config.fps, loop: config.loop });
  }
  if (VIDEO_EXTENSIONS.has(ext)) {
    return new ProcessCamera({
      ...common,
      source: 'replay',
      command: 'ffmpeg',
      args: [
        ...['-hide_banner', '-loglevel', 'error', '-re'],
        ...(config.loop ? ['-stream_loop', '-1'] : []),
        ...['-i', path],
        ...(config.videoFps === 'config' ? ['-vf', `fps=${config.fps}`] : []),
        ...['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', '-'],
      ],
      fix: 'install ffmpeg (apt install ffmpeg) to replay video files',
      cleanExitEnds: true,
      backoffMs: config.restartBackoffMs,
      maxBackoffMs: config.maxRestartBackoffMs,
    });
  }
  throw new MnemoError('camera-unavailable', `replay camera: cannot tell what ${path} is`, {
    fix: `use a folder, an image (${[...IMAGE_EXTENSIONS].join(' ')}), a video (${[...VIDEO_EXTENSIONS].join(' ')}) or a timeline (.yaml/.json)`,
  });
}
