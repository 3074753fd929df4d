import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MnemoError } from '../../config/errors.js';
import {
  CANCEL_ABORT,
  CANCEL_TIMEOUT,
  type ChatMessage,
  type LoadRequest,
  type StopReason,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.js';

export type { ChatMessage, StopReason } from './protocol.js';

export interface GenerateOptions {
  maxNewTokens?: number;
  /** Generation stops as soon as the text contains one of these; the text is cut before it. */
  stop?: string[];
  /** Wall time from the call to the last token; on expiry the call rejects with `llm-timeout`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** 0 (default): greedy decoding, reproducible answers. */
  temperature?: number;
  /** Each decoded piece of text as it is generated (word-sized pieces). */
  onToken?: (text: string) => void;
}

export interface Generation {
  text: string;
  tokens: number;
  promptTokens: number;
  stoppedBy: StopReason;
  /** Milliseconds from the call to the first streamed text (null if none came). */
  firstTokenMs: number | null;
  ms: number;
}

/** What the personal model needs of a generator; tests of grounding pass a stub of exactly this. */
export interface TextGenerator {
  readonly modelId: string;
  generate(messages: ChatMessage[], opts?: GenerateOptions): Promise<Generation>;
}

export interface LlmWorkerOptions {
  modelId: string;
  folder: string;
  dtype: LoadRequest['dtype'];
  /** ONNX intra-op threads in the worker (0: onnxruntime's default). */
  threads?: number;
  maxNewTokens?: number;
  timeoutMs?: number;
}

interface Pending {
  id: number;
  /** The worker is idle again (replied for this id, or died): the next queued call may start. */
  idle: () => void;
  resolve: (g: Generation) => void;
  reject: (e: unknown) => void;
  onToken?: (text: string) => void;
  started: number;
  firstTokenMs: number | null;
  settled: boolean;
  /** The shared cancel flag of this request. */
  flag: Int32Array;
}

const require = createRequire(import.meta.url);

/**
 * Built code runs worker.js directly. Under tsx or vitest the worker is a .ts file, so
 * the thread first registers tsx's ESM loader (a dev dependency) and then imports it.
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const api = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const worker = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * A text generator running in a worker thread: one generation at a time (later
 * calls queue), streaming text, max new tokens, stop strings, timeout and abort.
 */
export class LlmWorker implements TextGenerator {
  readonly modelId: string;
  private worker: Worker | undefined;
  private loading: Promise<number> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | undefined;
  private nextId = 1;

  constructor(private readonly opts: LlmWorkerOptions) {
    this.modelId = opts.modelId;
  }

  /** Starts the worker and loads the model; resolves with the load time in ms. */
  load(): Promise<number> {
    if (!this.loading) {
      const loading = this.start();
      this.loading = loading;
      loading.catch(() => {
        if (this.loading === loading) this.loading = undefined;
      });
    }
    return this.loading;
  }

  generate(messages: ChatMessage[], opts: GenerateOptions = {}): Promise<Generation> {
    return new Promise<Generation>((resolve, reject) => {
      // The queue waits for the worker to be idle, not for the caller's promise: an
      // aborted call rejects at once while the worker finishes its current step.
      const turn = this.queue.then(() => this.run(messages, opts, resolve, reject));
      this.queue = turn.catch(() => undefined);
    });
  }

  /**
   * Cancels what runs, waits for the worker to be idle, then ends it. Terminating a
   * worker inside an onnxruntime call aborts the whole process, so it is never done
   * mid-run: a cancelled run stops at its next token.
   */
  async dispose(): Promise<void> {
    if (this.pending) Atomics.store(this.pending.flag, 0, CANCEL_ABORT);
    await this.queue;
    const w = this.worker;
    this.worker = undefined;
    this.loading = undefined;
    if (w) await w.terminate();
  }

  private start(): Promise<number> {
    const worker = spawnWorker();
    this.worker = worker;
    worker.unref();
    return new Promise<number>((resolve, reject) => {
      worker.on('message', (msg: WorkerReply) => {
        if (msg.type === 'loaded') resolve(msg.ms);
        else if (msg.type === 'error' && msg.id === undefined) reject(loadError(this.modelId, msg.message));
        else this.onReply(msg);
      });
      worker.on('error', (err) => {
        reject(loadError(this.modelId, err.message));
        this.fail(new MnemoError('llm-failed', `the ${this.modelId} worker crashed: ${err.message}`, { cause: err }));
      });
      worker.on('exit', () => {
        reject(loadError(this.modelId, 'the worker exited'));
        if (this.worker === worker) {
          this.worker = undefined;
          this.loading = undefined;
        }
        this.fail(new MnemoError('llm-failed', `the ${this.modelId} worker stopped`));
      });
      const req: WorkerRequest = { type: 'load', folder: this.opts.folder, dtype: this.opts.dtype, threads: this.opts.threads };
      worker.postMessage(req);
    });
  }

  private async run(
    messages: ChatMessage[],
    opts: GenerateOptions,
    resolve: (g: Generation) => void,
    reject: (e: unknown) => void,
  ): Promise<void> {
    if (opts.signal?.aborted) return reject(aborted());
    try {
      await this.load();
    } catch (err) {
      return reject(err);
    }
    const worker = this.worker as Worker;
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? this.opts.timeoutMs ?? 10_000;
    // Referenced while it runs: a process that exits mid-run would abort inside onnxruntime.
    worker.ref();
    return new Promise<void>((done) => {
      const idle = () => {
        worker.unref();
        done();
      };
      let timer: NodeJS.Timeout | undefined;
      const cleanup = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const stop = (code: number, err: MnemoError) => {
        Atomics.store(flag, 0, code);
        cleanup();
        p.settled = true;
        // The caller is answered now; the worker stops after its current step and
        // only then does the next queued call start (see generate()).
        reject(err);
      };
      const onAbort = () => stop(CANCEL_ABORT, aborted());
      const p: Pending = {
        id,
        idle,
        started: performance.now(),
        firstTokenMs: null,
        settled: false,
        flag,
        onToken: opts.onToken,
        resolve: (g) => {
          cleanup();
          resolve(g);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      this.pending = p;
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(
        () => stop(CANCEL_TIMEOUT, new MnemoError('llm-timeout', `${this.modelId} took longer than ${timeoutMs} ms`)),
        timeoutMs,
      );
      const req: WorkerRequest = {
        type: 'generate',
        id,
        messages,
        maxNewTokens: opts.maxNewTokens ?? this.opts.maxNewTokens ?? 64,
        stop: opts.stop ?? [],
        temperature: opts.temperature ?? 0,
        cancel,
      };
      worker.postMessage(req);
    });
  }

  private onReply(msg: WorkerReply): void {
    const p = this.pending;
    if (!p || !('id' in msg) || msg.id !== p.id) return;
    if (msg.type === 'token') {
      if (p.settled) return;
      if (p.firstTokenMs === null) p.firstTokenMs = performance.now() - p.started;
      p.onToken?.(msg.text);
      return;
    }
    if (msg.type === 'prompt') return;
    this.pending = undefined;
    p.idle();
    if (msg.type === 'done') {
      const g = { ...msg, firstTokenMs: p.firstTokenMs, ms: performance.now() - p.started };
      if (p.settled) p.reject(undefined);
      else
        p.resolve({
          text: g.text,
          tokens: g.tokens,
          promptTokens: g.promptTokens,
          stoppedBy: g.stoppedBy,
          firstTokenMs: g.firstTokenMs,
          ms: g.ms,
        });
    } else if (msg.type === 'error') {
      p.reject(new MnemoError('llm-failed', `${this.modelId}: ${msg.message}`));
    }
  }

  private fail(err: MnemoError): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    p.idle();
    if (p.settled) p.reject(undefined);
    else p.reject(err);
  }
}

function aborted(): MnemoError {
  return new MnemoError('aborted', 'generation aborted');
}

function loadError(modelId: string, message: string): MnemoError {
  return new MnemoError('llm-failed', `could not load ${modelId}: ${message}`, {
    fix: `check the folder with \`mnemo models verify ${modelId}\``,
  });
}
