import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav16k } from '../../../hardware/microphone/index.js';
import type { Microphone } from '../../../hardware/microphone/types.js';
import type { SpeechToText, Transcript } from '../../../models/stt/types.js';

/** Real speech made by eSpeak NG (Debian), as 16 kHz PCM. */
export function espeak(text: string, voice = 'en-us'): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-espeak-'));
  try {
    const file = join(dir, 'say.wav');
    execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', file, text]);
    return readWav16k(file).pcm;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function silence(seconds: number): Int16Array {
  return new Int16Array(Math.round(seconds * 16000));
}

/** A microphone the test feeds: chunks come out as the test pushes audio, so a press can come before the speech. */
export class PushMicrophone implements Microphone {
  readonly name = 'push';
  readonly sampleRate = 16000 as const;
  private queue: Int16Array[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private open = false;

  feed(pcm: Int16Array, chunkSamples = 1600): void {
    for (let i = 0; i < pcm.length; i += chunkSamples) this.queue.push(pcm.slice(i, i + chunkSamples));
    this.wake?.();
  }

  /** Resolves once the stage has read everything fed so far. */
  async drained(): Promise<void> {
    while (this.queue.length) await new Promise((r) => setTimeout(r, 5));
  }

  chunks(signal?: AbortSignal): AsyncIterable<Int16Array> {
    if (this.open) throw new Error('unexpected call: a second microphone stream');
    this.open = true;
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        signal?.addEventListener('abort', () => self.wake?.(), { once: true });
        while (!self.ended && !signal?.aborted) {
          const next = self.queue.shift();
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((r) => {
            self.wake = r;
          });
        }
      },
    };
  }

  stop(): void {
    this.ended = true;
    this.wake?.();
  }
}

/** Speech to text that returns what the test says it heard, and records what it was given. */
export class ScriptedStt implements SpeechToText {
  readonly engine = 'scripted';
  readonly calls: Array<{ samples: number; phrases: number; names: string[] }> = [];
  loaded = false;
  constructor(private readonly transcripts: string[]) {}
  async load(): Promise<void> {
    this.loaded = true;
  }
  async transcribe(pcm: Int16Array, opts?: { grammar?: { phrases: string[]; names: string[] } }): Promise<Transcript> {
    const text = this.transcripts.shift();
    if (text === undefined) throw new Error('unexpected call: stt.transcribe with no transcript scripted');
    this.calls.push({ samples: pcm.length, phrases: opts?.grammar?.phrases.length ?? 0, names: opts?.grammar?.names ?? [] });
    return { text, confidence: 0.9, engine: this.engine };
  }
  async dispose(): Promise<void> {}
}
