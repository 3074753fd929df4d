import { readFile } from 'node:fs/promises';
import { logger } from '../../config/log.js';
import { FrameSlot } from './frame-slot.js';
import type { Timeline } from './timeline.js';
import type { Camera, CameraCommon, CameraStats, CameraUnavailable, Frame } from './types.js';

export interface ReplayCameraOptions extends CameraCommon {
  timeline: Timeline;
  fps: number;
  loop: boolean;
}

/**
 * Plays images (a folder or a timeline) as a live camera would: frames arrive on a
 * clock whether or not the pipeline is ready, so a slow pipeline drops frames just
 * as it would on the glasses.
 */
export class ReplayCamera implements Camera {
  readonly source = 'replay';
  private readonly slot: FrameSlot;
  private readonly log = logger('mnemo:camera');
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running = false;
  private blank: Buffer | undefined;

  constructor(private readonly opts: ReplayCameraOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.slot = new FrameSlot(opts.maxWidth, opts.maxHeight);
  }

  /** Idempotent: starting a started camera does nothing (the runtime may start it before the stage does). */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.slot.reopen();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    void this.play();
  }

  next(signal?: AbortSignal): Promise<Frame | null> {
    return this.slot.take(signal);
  }

  stats(): CameraStats {
    return { ...this.slot.counts };
  }

  onUnavailable(_listener: (e: CameraUnavailable) => void): void {
    // Files do not die; a missing or corrupt one is a skipped frame.
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    clearTimeout(this.timer);
    this.slot.close();
  }

  private async play(): Promise<void> {
    const fps = this.opts.timeline.fps ?? this.opts.fps;
    const interval = 1000 / fps;
    const loop = this.opts.timeline.loop ?? this.opts.loop;
    do {
      for (const entry of this.opts.timeline.entries) {
        const bytes = 'file' in entry ? await this.read(entry.file) : undefined;
        const count = Math.max(1, Math.round(entry.holdMs / interval));
        for (let i = 0; i < count; i++) {
          if (this.stopped) return;
          if ('file' in entry) {
            if (bytes) this.slot.put({ at: this.now(), encoded: bytes });
            else this.slot.corrupt();
          } else {
            this.slot.put({ at: this.now(), raw: { data: this.blankFrame(), width: this.opts.maxWidth, height: this.opts.maxHeight } });
          }
          await this.sleep(interval);
        }
      }
    } while (loop && !this.stopped);
    this.slot.end();
  }

  private async read(file: string): Promise<Buffer | undefined> {
    try {
      return await readFile(file);
    } catch (err) {
      this.log.debug({ err }, 'replay frame unreadable; skipped');
      return undefined;
    }
  }

  private blankFrame(): Buffer {
    this.blank ??= Buffer.alloc(this.opts.maxWidth * this.opts.maxHeight * 3);
    return this.blank;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timer = setTimeout(resolve, ms);
    });
  }
}
