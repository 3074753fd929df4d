import { type ChildProcess, spawn } from 'node:child_process';
import { MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import { FrameSlot } from './frame-slot.js';
import { MjpegSplitter } from './mjpeg-splitter.js';
import type { Camera, CameraCommon, CameraStats, CameraUnavailable, Frame } from './types.js';

export interface ProcessCameraOptions extends CameraCommon {
  source: string;
  command: string;
  args: string[];
  /** What to tell the wearer/operator when the command is missing. */
  fix: string;
  /** A replay video ends when ffmpeg exits 0; a live camera never should. */
  cleanExitEnds?: boolean;
  /** Restart back-off: first delay, doubled per failure up to the maximum. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** No bytes for this long: the process is killed and restarted. 0 disables. */
  stallMs?: number;
  /** A process that lived this long resets the back-off. */
  stableMs?: number;
}

/**
 * A camera that is an external process writing MJPEG to stdout (rpicam-vid, ffmpeg).
 * When it dies or stalls, listeners hear `camera-unavailable` and it is started
 * again with exponential back-off, until stop().
 */
export class ProcessCamera implements Camera {
  readonly source: string;
  private readonly slot: FrameSlot;
  private readonly splitter: MjpegSplitter;
  private readonly listeners: Array<(e: CameraUnavailable) => void> = [];
  private readonly log = logger('mnemo:camera');
  private readonly now: () => number;
  private child: ChildProcess | undefined;
  private stopped = false;
  private running = false;
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';

  constructor(private readonly opts: ProcessCameraOptions) {
    this.source = opts.source;
    this.now = opts.now ?? (() => performance.now());
    this.slot = new FrameSlot(opts.maxWidth, opts.maxHeight);
    this.splitter = new MjpegSplitter({
      frame: (jpeg) => this.slot.put({ at: this.now(), encoded: jpeg }),
      corrupt: (reason) => {
        this.slot.corrupt();
        this.log.debug({ source: this.source, reason }, 'corrupt frame in stream');
      },
    });
  }

  /** Idempotent: starting a started camera does nothing (the runtime may start it before the stage does). */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.slot.reopen();
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
    try {
      await this.spawnOnce(true);
    } catch (err) {
      this.running = false;
      throw err;
    }
  }

  next(signal?: AbortSignal): Promise<Frame | null> {
    return this.slot.take(signal);
  }

  stats(): CameraStats {
    return { ...this.slot.counts };
  }

  onUnavailable(listener: (e: CameraUnavailable) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.stallTimer);
    this.slot.close();
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
  }

  /** Spawns the process; on the first start a missing command rejects instead of retrying. */
  private spawnOnce(first: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const startedAt = Date.now();
      this.splitter.reset();
      this.stderrTail = '';
      const child = spawn(this.opts.command, this.opts.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      let spawned = false;
      child.once('spawn', () => {
        spawned = true;
        this.armStallTimer();
        resolve();
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        this.armStallTimer();
        this.splitter.push(chunk);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-1000);
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (spawned) return; // 'exit' follows and handles it
        const missing = err.code === 'ENOENT';
        const reason = missing ? `${this.opts.command} not found` : err.message;
        if (first) {
          reject(new MnemoError('camera-unavailable', `camera ${this.source}: ${reason}`, { cause: err, fix: this.opts.fix }));
          return;
        }
        resolve();
        this.died(reason, startedAt);
      });
      child.once('exit', (code, sig) => {
        if (this.child !== child) return;
        this.child = undefined;
        clearTimeout(this.stallTimer);
        if (this.stopped) return;
        if (code === 0 && this.opts.cleanExitEnds) {
          this.log.debug({ source: this.source }, 'replay ended');
          this.slot.end();
          return;
        }
        const tail = this.stderrTail.trim().split('\n').pop() ?? '';
        this.died(`${this.opts.command} exited (${sig ?? `code ${code}`})${tail ? `: ${tail}` : ''}`, startedAt);
      });
    });
  }

  private died(reason: string, startedAt: number): void {
    if (this.stopped) return;
    if (Date.now() - startedAt >= (this.opts.stableMs ?? 10_000)) this.attempt = 0;
    const base = this.opts.backoffMs ?? 500;
    const retryInMs = Math.min(this.opts.maxBackoffMs ?? 30_000, base * 2 ** this.attempt);
    this.attempt++;
    const event: CameraUnavailable = { code: 'camera-unavailable', source: this.source, reason, attempt: this.attempt, retryInMs };
    this.log.warn({ source: this.source, reason, attempt: this.attempt, retryInMs }, 'camera unavailable; restarting');
    for (const l of this.listeners) l(event);
    this.restartTimer = setTimeout(() => {
      if (this.stopped) return;
      this.slot.counts.restarts++;
      void this.spawnOnce(false);
    }, retryInMs);
  }

  private armStallTimer(): void {
    const stallMs = this.opts.stallMs ?? 0;
    if (stallMs <= 0) return;
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.log.warn({ source: this.source, stallMs }, 'camera stalled; killing it');
      this.child?.kill('SIGKILL');
    }, stallMs);
  }
}
