import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { escapeFestivalString, festivalVoiceCall } from './festival-escape.js';
import { resample } from './resample.js';
import type { SynthesizeOptions, TextToSpeech } from './types.js';
import { TTS_SAMPLE_RATE } from './types.js';
import { decodeWav16 } from './wav.js';

/*
 * The `say` package (named by the design card) on Linux drives festival: it builds
 * `festival --pipe` with `(voice) (SayText "text")` and lets festival play to the
 * sound card. This adapter uses say's own command builder, with the text escaped
 * (festival-escape.ts), and keeps ONE festival process for all sentences: festival's
 * start-up (~0.4 s, loading lexicons) would otherwise be paid per sentence. Instead of
 * the sound card, festival's Audio_Command `cat`s each utterance's WAV to stdout, and
 * `(system "echo mnemo-said N")` after each request marks where its audio ends
 * (festival's own `print` sits in its stdout buffer; a child's echo, like `cat`, does not).
 */

const SYNTH_TIMEOUT_MS = 15_000;
const FIX = 'install festival and a voice: `apt-get install festival festvox-kallpc16k`';
const PREAMBLE =
  "(Parameter.set 'Audio_Method 'Audio_Command) (Parameter.set 'Audio_Required_Rate 16000) " +
  "(Parameter.set 'Audio_Required_Format 'riff) (Parameter.set 'Audio_Command \"cat $FILE\")\n";

interface SayPlatform {
  buildSpeakCommand(o: { text: string; voice?: string }): { command: string; args: string[]; pipedData: string };
}

interface Request {
  id: number;
  wavs: Buffer[];
  resolve: (wavs: Buffer[]) => void;
  reject: (err: Error) => void;
}

export class SayTts implements TextToSpeech {
  readonly engine = 'say' as const;
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly platform: SayPlatform;
  private readonly queue: Request[] = [];
  private stdout: Buffer = Buffer.alloc(0);
  private stderr = '';
  private nextId = 1;
  private loading: Promise<void> | undefined;

  constructor(readonly voice: string = 'kal_diphone') {
    const Linux = createRequire(import.meta.url)('say/platform/linux.js') as new () => SayPlatform;
    this.platform = new Linux();
  }

  load(): Promise<void> {
    this.loading ??= this.start().catch((err) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  /** The exact command say would pipe to festival for this text (for tests and the report). */
  command(text: string): { command: string; args: string[]; pipedData: string } {
    const voice = festivalVoiceCall(this.voice);
    if (!voice) throw new MnemoError('tts-failed', `"${this.voice}" is not a festival voice name`, { fix: 'e.g. kal_diphone' });
    return this.platform.buildSpeakCommand({ text: escapeFestivalString(text), voice });
  }

  async synthesize(text: string, options: SynthesizeOptions = {}): Promise<Int16Array> {
    await this.load();
    options.signal?.throwIfAborted();
    const wavs = await this.request(text);
    if (wavs.length === 0) {
      throw new MnemoError('tts-failed', `festival produced no audio: ${this.stderr.trim().slice(-300) || 'no error given'}`, {
        fix: FIX,
      });
    }
    const parts = wavs.map((w) => {
      const { rate, samples } = decodeWav16(w, 'festival');
      return resample(samples, rate, TTS_SAMPLE_RATE);
    });
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  async dispose(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.loading = undefined;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.stdin.end();
    });
  }

  private async start(): Promise<void> {
    const { command, args } = this.command('');
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {});
    child.stdout.on('data', (d: Buffer) => this.onStdout(d));
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('latin1')).slice(-2000);
    });
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (cause: NodeJS.ErrnoException) =>
        reject(
          new MnemoError('tts-failed', cause.code === 'ENOENT' ? 'festival is not installed' : errorMessage(cause), { cause, fix: FIX }),
        ),
      );
    });
    child.once('close', (code) => {
      if (this.child === child) this.child = undefined;
      this.loading = undefined;
      this.failAll(new MnemoError('tts-failed', `festival exited (code ${code}): ${this.stderr.trim().slice(-300)}`, { fix: FIX }));
    });
    this.child = child;
    child.stdin.write(PREAMBLE);
    // One word proves the voice exists (festival only complains on stderr otherwise).
    const probe = await Promise.race([this.request('ok'), failed]);
    if (probe.length === 0) {
      await this.dispose();
      throw new MnemoError('tts-failed', `festival cannot speak with voice "${this.voice}": ${this.stderr.trim().slice(-300)}`, {
        fix: FIX,
      });
    }
  }

  private request(text: string): Promise<Buffer[]> {
    return new Promise((resolve, reject) => {
      const child = this.child;
      if (!child) {
        reject(new MnemoError('tts-failed', 'festival is not running', { fix: FIX }));
        return;
      }
      const id = this.nextId++;
      // Festival answers in order; one that stops answering is restarted by the next load().
      const timer = setTimeout(() => {
        const err = new MnemoError('tts-failed', `festival did not answer within ${SYNTH_TIMEOUT_MS} ms`, { fix: FIX });
        void this.dispose();
        this.failAll(err);
      }, SYNTH_TIMEOUT_MS);
      timer.unref();
      this.queue.push({
        id,
        wavs: [],
        resolve: (w) => {
          clearTimeout(timer);
          resolve(w);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      // Latin-1 after escaping: one byte per character, as festival reads them.
      child.stdin.write(Buffer.from(`${this.command(text).pipedData}\n(system "echo mnemo-said ${id}")\n`, 'latin1'));
    });
  }

  private onStdout(data: Buffer): void {
    this.stdout = this.stdout.length ? Buffer.concat([this.stdout, data]) : data;
    for (;;) {
      const riff = this.stdout.indexOf('RIFF');
      const marker = /mnemo-said (\d+)\n/.exec(this.stdout.toString('latin1', 0, riff >= 0 ? riff : this.stdout.length));
      if (marker) {
        const head = this.queue.shift();
        this.stdout = this.stdout.subarray(marker.index + marker[0].length);
        head?.resolve(head.wavs);
        continue;
      }
      if (riff < 0 || this.stdout.length < riff + 8) return;
      const end = riff + 8 + this.stdout.readUInt32LE(riff + 4);
      if (this.stdout.length < end) return;
      this.queue[0]?.wavs.push(Buffer.from(this.stdout.subarray(riff, end)));
      this.stdout = this.stdout.subarray(end);
    }
  }

  private failAll(err: Error): void {
    for (const r of this.queue.splice(0)) r.reject(err);
  }
}
