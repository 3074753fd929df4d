import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import { ChunkQueue } from './chunk-queue.js';
import type { Microphone } from './types.js';

const require = createRequire(import.meta.url);
const log = logger('mnemo:microphone');

interface Recording {
  process: ChildProcess;
  stream(): NodeJS.ReadableStream;
  stop(): void;
}
type RecordFn = (opts: Record<string, unknown>) => Recording;

export interface RecorderOptions {
  recorder: 'arecord' | 'sox' | 'rec';
  /** ALSA device: arecord -D, or AUDIODEV for sox (node-record-lpcm16 does both; rec takes the default device). */
  device?: string;
  chunkMs: number;
  /** Injected for tests; defaults to node-record-lpcm16's `record`. */
  record?: RecordFn;
}

/**
 * The real microphone: node-record-lpcm16 spawns arecord, sox or rec writing raw
 * 16 kHz mono s16le to stdout. That library reports failures as plain strings
 * (and a missing binary as an unhandled child 'error'), so both are caught here
 * and turned into `microphone-unavailable` with the recorder and the fix.
 */
export class RecorderMicrophone implements Microphone {
  readonly sampleRate = 16000 as const;
  private current: { rec: Recording; queue: ChunkQueue } | undefined;

  constructor(private readonly opts: RecorderOptions) {}

  get name(): string {
    return this.opts.recorder;
  }

  chunks(signal?: AbortSignal): AsyncIterable<Int16Array> {
    if (this.current) throw new MnemoError('microphone-unavailable', 'the microphone is already streaming');
    const queue = new ChunkQueue(Math.round((this.opts.chunkMs * this.sampleRate) / 1000));
    const record = this.opts.record ?? (require('node-record-lpcm16') as { record: RecordFn }).record;
    let rec: Recording;
    try {
      rec = record({
        sampleRate: this.sampleRate,
        channels: 1,
        audioType: 'raw',
        recorder: this.opts.recorder,
        device: this.opts.device,
      });
    } catch (cause) {
      throw this.unavailable(cause);
    }
    this.current = { rec, queue };
    const fail = (cause: unknown) => {
      if (this.current?.queue !== queue) return; // stopped by us: the kill is not a failure
      log.warn({ recorder: this.opts.recorder, error: errorMessage(cause) }, 'microphone failed');
      queue.fail(this.unavailable(cause));
      this.current = undefined;
    };
    rec.process.on('error', fail);
    const stream = rec.stream();
    // node-record-lpcm16 emits a bare string here on a non-zero exit; 'close' below
    // reports the same failure with the recorder's own stderr, which says why.
    stream.on('error', () => {});
    let lastStderr = '';
    rec.process.stderr?.on('data', (d: Buffer) => {
      lastStderr = String(d).trim().split('\n').pop() ?? '';
    });
    stream.on('data', (b: Buffer | string) => queue.push(typeof b === 'string' ? Buffer.from(b, 'binary') : b));
    // The recorder's stdout ends before its exit code is known: the end of the
    // stream is decided on 'close', where a non-zero code (not ours) is a failure.
    rec.process.on('close', (code: number | null) => {
      if (code === 0 || this.current?.queue !== queue) queue.end();
      else fail(`${this.opts.recorder} exited with code ${code}${lastStderr ? `: ${lastStderr}` : ''}`);
    });
    const onAbort = () => this.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) this.stop();
    log.info({ recorder: this.opts.recorder, device: this.opts.device ?? 'default' }, 'microphone streaming');
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* queue;
        } finally {
          signal?.removeEventListener('abort', onAbort);
          if (self.current?.queue === queue) self.stop();
        }
      },
    };
  }

  stop(): void {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    cur.queue.end();
    try {
      cur.rec.stop();
    } catch {
      // Already exited: nothing to stop.
    }
  }

  private unavailable(cause: unknown): MnemoError {
    const msg = errorMessage(cause);
    const missing = /ENOENT/.test(msg);
    return new MnemoError(
      'microphone-unavailable',
      missing ? `the recorder "${this.opts.recorder}" is not installed` : `${this.opts.recorder}: ${msg.split('\n')[0]}`,
      {
        cause: cause instanceof Error ? cause : new Error(msg),
        fix: missing
          ? `install it (apt-get install ${this.opts.recorder === 'arecord' ? 'alsa-utils' : 'sox'}) or set microphone.recorder`
          : 'check microphone.device and that the device exists (`arecord -l`)',
        details: { recorder: this.opts.recorder, device: this.opts.device },
      },
    );
  }
}
