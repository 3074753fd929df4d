import { logger } from '../../config/log.js';
import { decodeFrame, type RawFrame } from './decode-frame.js';
import type { CameraStats, Frame } from './types.js';

/** A captured, not yet decoded frame: encoded bytes (JPEG/PNG) or raw RGB already. */
export interface Captured {
  at: number;
  encoded?: Buffer;
  raw?: RawFrame;
}

// Looked up per use: logging may be reconfigured after this module loaded.
const log = () => logger('mnemo:camera');

/**
 * The one-frame buffer between a camera source and the pipeline. Decoding happens
 * only for the frame that is taken, so a busy pipeline costs no decoding of the
 * frames it will never see.
 */
export class FrameSlot {
  private pending: (Captured & { seq: number }) | undefined;
  private waiters: Array<() => void> = [];
  private ended = false;
  private seq = 0;
  readonly counts: CameraStats = { captured: 0, delivered: 0, dropped: 0, corrupt: 0, restarts: 0 };

  constructor(
    private readonly maxWidth: number,
    private readonly maxHeight: number,
  ) {}

  put(frame: Captured): void {
    if (this.ended) return;
    this.counts.captured++;
    if (this.pending) this.counts.dropped++;
    this.pending = { ...frame, seq: ++this.seq };
    this.wake();
  }

  /** A frame that could not even be split out of the stream. */
  corrupt(): void {
    this.counts.corrupt++;
  }

  /** No more frames will come (replay finished or camera stopped). */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Stopped: the frame not yet taken is discarded too. */
  close(): void {
    this.pending = undefined;
    this.end();
  }

  reopen(): void {
    this.ended = false;
  }

  async take(signal?: AbortSignal): Promise<Frame | null> {
    for (;;) {
      if (signal?.aborted) return null;
      const item = this.pending;
      if (item) {
        this.pending = undefined;
        const t0 = performance.now();
        try {
          const raw = item.raw ?? (await decodeFrame(item.encoded as Buffer, this.maxWidth, this.maxHeight));
          this.counts.delivered++;
          return { ...raw, at: item.at, seq: item.seq, decodeMs: performance.now() - t0 };
        } catch (err) {
          this.counts.corrupt++;
          log().debug({ seq: item.seq, err }, 'corrupt frame skipped');
          continue;
        }
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
