import type { Camera, CameraStats, CameraUnavailable, Frame } from '../../hardware/camera/index.js';
import type { Microphone } from '../../hardware/microphone/types.js';

/*
 * The demo's camera and microphone. They stand in for hardware the way the replay
 * adapters do, but the scenario player decides, step by step, what is in view and
 * what the wearer says. Frames and audio still flow in real time, so every stage
 * downstream runs exactly as on the device.
 */

export interface StillImage {
  data: Buffer;
  width: number;
  height: number;
}

const EMPTY_SIZE = { width: 640, height: 480 };

/** A camera looking at whatever the scenario sets, `fps` frames a second. */
export class ScriptedCamera implements Camera {
  readonly source = 'demo';
  private view: StillImage;
  private seq = 0;
  private running = false;
  private readonly counts: CameraStats = { captured: 0, delivered: 0, dropped: 0, corrupt: 0, restarts: 0 };
  private lastAt = 0;

  constructor(private readonly fps: number) {
    this.view = ScriptedCamera.empty();
  }

  /** A plain grey scene: no one in view. */
  static empty(): StillImage {
    return { ...EMPTY_SIZE, data: Buffer.alloc(EMPTY_SIZE.width * EMPTY_SIZE.height * 3, 96) };
  }

  show(image: StillImage | null): void {
    this.view = image ?? ScriptedCamera.empty();
  }

  async start(): Promise<void> {
    this.running = true;
  }

  async next(signal?: AbortSignal): Promise<Frame | null> {
    if (!this.running) return null;
    const wait = this.lastAt + 1000 / this.fps - performance.now();
    if (wait > 0) await sleep(wait, signal);
    if (!this.running || signal?.aborted) return null;
    this.lastAt = performance.now();
    this.counts.captured++;
    this.counts.delivered++;
    return { data: this.view.data, width: this.view.width, height: this.view.height, at: this.lastAt, seq: ++this.seq, decodeMs: 0 };
  }

  stats(): CameraStats {
    return { ...this.counts };
  }

  onUnavailable(_listener: (event: CameraUnavailable) => void): void {}

  async stop(): Promise<void> {
    this.running = false;
  }
}

const CHUNK_MS = 20;
const CHUNK = (16000 * CHUNK_MS) / 1000;

/**
 * A microphone that hears a quiet room (a small noise floor), streaming in real
 * time, and the wearer's voice from the moment the scenario makes them speak.
 */
export class ScriptedMicrophone implements Microphone {
  readonly name = 'demo';
  readonly sampleRate = 16000 as const;
  private speech: Int16Array | null = null;
  private offset = 0;
  private stopFlag = false;
  private open = false;
  // A fixed-seed noise floor, so every run of a scenario hears the same room.
  private seed = 12345;

  private noise(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return Math.round((this.seed / 2147483648 - 0.5) * 20);
  }

  /** The wearer starts saying this now. */
  speak(pcm: Int16Array): void {
    this.speech = pcm;
    this.offset = 0;
  }

  async *chunks(signal?: AbortSignal): AsyncIterable<Int16Array> {
    if (this.open) throw new Error('the demo microphone is already streaming');
    this.open = true;
    this.stopFlag = false;
    try {
      const start = performance.now();
      for (let i = 0; !this.stopFlag && !signal?.aborted; i++) {
        const due = start + i * CHUNK_MS - performance.now();
        if (due > 0) await sleep(due, signal);
        const chunk = new Int16Array(CHUNK);
        if (this.speech) {
          const part = this.speech.subarray(this.offset, this.offset + CHUNK);
          chunk.set(part);
          this.offset += CHUNK;
          if (this.offset >= this.speech.length) this.speech = null;
        }
        for (let j = 0; j < CHUNK; j++) chunk[j] = (chunk[j] as number) + this.noise();
        yield chunk;
      }
    } finally {
      this.open = false;
    }
  }

  stop(): void {
    this.stopFlag = true;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
