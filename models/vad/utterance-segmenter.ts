import type { SpeechProbability } from './silero-vad.js';

/*
 * Cuts a stream of 16 kHz PCM into utterances with a VAD. Two ways to open one:
 *  - 'vad': speech opens it (hands-free after a wake word, `mnemo listen FILE`);
 *    a short preroll is kept so the first phoneme is not lost;
 *  - begin(): push-to-talk opens it at once; it then ends on `silenceMs` of
 *    silence only after speech was heard, so a press followed by noise or a pause
 *    runs until release (`end('release')`) or the maximum length.
 * Either way an utterance is cut at `maxUtteranceSeconds` (60 s of noise never
 * makes a 60 s utterance). Hysteresis as in Silero's reference: speech above
 * `threshold`, silence below `threshold - 0.15`.
 */

export type EndReason = 'silence' | 'max-length' | 'release' | 'end';

export interface Utterance {
  pcm: Int16Array;
  reason: EndReason;
  /** Milliseconds of audio judged speech. */
  speechMs: number;
  /** Sample offset (in the stream fed so far) where the utterance starts. */
  startSample: number;
}

export interface SegmenterOptions {
  silenceMs: number;
  maxUtteranceSeconds: number;
  threshold: number;
  minSpeechMs: number;
  prerollMs: number;
}

export type SegmenterEvent = { type: 'speech-start'; sample: number } | { type: 'utterance'; utterance: Utterance };

const RATE = 16000;

export class UtteranceSegmenter {
  private pending: Int16Array = new Int16Array(0);
  private preroll: Int16Array[] = [];
  private open: { parts: Int16Array[]; samples: number; speech: number; silence: number; start: number; manual: boolean } | undefined;
  private fed = 0;

  constructor(
    private readonly vad: SpeechProbability,
    private readonly opts: SegmenterOptions,
  ) {}

  get listening(): boolean {
    return this.open !== undefined;
  }

  /** Push-to-talk: an utterance starts now, whatever the VAD says. */
  begin(): void {
    if (this.open) return;
    this.open = { parts: [], samples: 0, speech: 0, silence: 0, start: this.fed, manual: true };
  }

  /** Feeds audio; returns what happened in it (speech starts, finished utterances). */
  async push(chunk: Int16Array): Promise<SegmenterEvent[]> {
    const events: SegmenterEvent[] = [];
    const w = this.vad.windowSamples;
    let buf = this.pending.length ? concat([this.pending, chunk]) : chunk;
    let at = 0;
    for (; at + w <= buf.length; at += w) {
      const ev = await this.window(buf.subarray(at, at + w));
      if (ev) events.push(ev);
    }
    buf = buf.slice(at);
    this.pending = buf;
    return events;
  }

  /** Ends the open utterance (button released, file over). Returns it if it holds enough speech. */
  end(reason: 'release' | 'end' = 'end'): Utterance | undefined {
    const u = this.open;
    if (!u) return undefined;
    if (this.pending.length) {
      u.parts.push(this.pending);
      u.samples += this.pending.length;
      this.pending = new Int16Array(0);
    }
    return this.close(reason);
  }

  reset(): void {
    this.open = undefined;
    this.pending = new Int16Array(0);
    this.preroll = [];
    this.vad.reset();
  }

  private async window(win: Int16Array): Promise<SegmenterEvent | undefined> {
    const w = win.length;
    const copy = win.slice();
    const p = await this.vad.probability(toFloat(copy));
    const isSpeech = p >= this.opts.threshold;
    const isSilence = p < this.opts.threshold - 0.15;
    const ms = (w / RATE) * 1000;
    this.fed += w;
    let event: SegmenterEvent | undefined;
    if (!this.open) {
      this.preroll.push(copy);
      const keep = Math.ceil((this.opts.prerollMs / 1000) * RATE) / w + 1;
      while (this.preroll.length > keep) this.preroll.shift();
      if (!isSpeech) return undefined;
      const parts = this.preroll;
      const samples = parts.reduce((n, x) => n + x.length, 0);
      this.preroll = [];
      this.open = { parts, samples, speech: ms, silence: 0, start: this.fed - samples, manual: false };
      return { type: 'speech-start', sample: this.fed - w };
    }
    const u = this.open;
    if (u.manual && u.speech === 0 && isSpeech) event = { type: 'speech-start', sample: this.fed - w };
    u.parts.push(copy);
    u.samples += w;
    if (isSpeech) {
      u.speech += ms;
      u.silence = 0;
    } else if (isSilence || u.silence > 0) {
      u.silence += ms;
    }
    if (u.samples >= this.opts.maxUtteranceSeconds * RATE) return this.emit(this.close('max-length'));
    // Only silence after speech ends an utterance: a push-to-talk press that hears nothing keeps listening.
    if (u.speech > 0 && u.silence >= this.opts.silenceMs) {
      if (u.speech < this.opts.minSpeechMs && !u.manual) {
        this.open = undefined; // a click or a cough: not an utterance
        return event;
      }
      return this.emit(this.close('silence'));
    }
    return event;
  }

  private emit(u: Utterance | undefined): SegmenterEvent | undefined {
    return u ? { type: 'utterance', utterance: u } : undefined;
  }

  private close(reason: EndReason): Utterance | undefined {
    const u = this.open;
    this.open = undefined;
    if (!u) return undefined;
    this.vad.reset();
    if (u.speech < this.opts.minSpeechMs && reason !== 'max-length' && !(u.manual && reason === 'release')) return undefined;
    return { pcm: concat(u.parts), reason, speechMs: u.speech, startSample: u.start };
  }
}

function toFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] as number) / 32768;
  return out;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
