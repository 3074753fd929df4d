import { readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MnemoError } from '../../config/errors.js';
import type { Microphone } from './types.js';
import { readWav16k, SAMPLE_RATE } from './wav.js';

/*
 * A microphone that plays recordings: one WAV file, or a timeline (YAML/JSON) of
 * WAV files, silences and noise bursts, e.g.
 *   - wav: where-did-i-meet-ana.wav
 *   - silence: 1.5          # seconds
 *   - noise: 60             # seconds of white noise
 *     level: 0.05           # peak amplitude 0..1
 * Chunks come out at real-time pace (speed 1), faster (speed 10) or as fast as
 * the reader takes them (speed 0), so demos and tests see what a device would.
 */

export type TimelineStep = { wav: string } | { silence: number } | { noise: number; level?: number; seed?: number };

export interface ReplayOptions {
  /** A WAV file, a timeline file, or the steps themselves. */
  source: string | TimelineStep[];
  chunkMs: number;
  /** 1 = real time, 0 = no waiting. */
  speed: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ReplayMicrophone implements Microphone {
  readonly name = 'replay';
  readonly sampleRate = 16000 as const;
  private active: { stopped: boolean } | undefined;

  constructor(private readonly opts: ReplayOptions) {}

  /** The whole recording as one buffer (also validates every file up front). */
  render(): Int16Array {
    const parts = this.steps().map((s) => renderStep(s.step, s.base));
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  chunks(signal?: AbortSignal): AsyncIterable<Int16Array> {
    if (this.active) throw new MnemoError('microphone-unavailable', 'the replay microphone is already streaming');
    const audio = this.render();
    const session = { stopped: false };
    this.active = session;
    const size = Math.round((this.opts.chunkMs * SAMPLE_RATE) / 1000);
    const { speed } = this.opts;
    const sleep = this.opts.sleep ?? defaultSleep;
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const t0 = performance.now();
        try {
          for (let at = 0; at < audio.length; at += size) {
            if (session.stopped || signal?.aborted) return;
            const chunk = audio.slice(at, Math.min(at + size, audio.length));
            if (speed > 0) {
              // Pace against the start time, not chunk to chunk, so timer jitter does not accumulate.
              const due = t0 + ((at + chunk.length) / SAMPLE_RATE) * (1000 / speed);
              const wait = due - performance.now();
              if (wait > 0) await sleep(wait);
              if (session.stopped || signal?.aborted) return;
            }
            yield chunk;
          }
        } finally {
          if (self.active === session) self.active = undefined;
        }
      },
    };
  }

  stop(): void {
    if (this.active) this.active.stopped = true;
    this.active = undefined;
  }

  private steps(): Array<{ step: TimelineStep; base: string }> {
    const src = this.opts.source;
    if (Array.isArray(src)) return src.map((step) => ({ step, base: process.cwd() }));
    if (extname(src).toLowerCase() === '.wav') return [{ step: { wav: src }, base: process.cwd() }];
    return parseTimeline(src).map((step) => ({ step, base: dirname(src) }));
  }
}

export function parseTimeline(file: string): TimelineStep[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MnemoError('audio-invalid', `${file}: not a readable timeline (YAML or JSON list)`, { cause, details: { file } });
  }
  if (!Array.isArray(raw)) throw new MnemoError('audio-invalid', `${file}: a timeline is a list of steps`, { details: { file } });
  return raw.map((s, i) => {
    const o = s as Record<string, unknown>;
    if (typeof o?.wav === 'string') return { wav: o.wav };
    if (typeof o?.silence === 'number' && o.silence >= 0) return { silence: o.silence };
    if (typeof o?.noise === 'number' && o.noise >= 0) {
      return {
        noise: o.noise,
        level: typeof o.level === 'number' ? o.level : undefined,
        seed: typeof o.seed === 'number' ? o.seed : undefined,
      };
    }
    throw new MnemoError('audio-invalid', `${file}: step ${i + 1} is not {wav}, {silence} or {noise}`, { details: { file, step: i + 1 } });
  });
}

function renderStep(step: TimelineStep, base: string): Int16Array {
  if ('wav' in step) return readWav16k(isAbsolute(step.wav) ? step.wav : join(base, step.wav)).pcm;
  if ('silence' in step) return new Int16Array(Math.round(step.silence * SAMPLE_RATE));
  return whiteNoise(step.noise, step.level ?? 0.1, step.seed ?? 1);
}

/** Deterministic white noise (a seeded LCG), so a noise test is repeatable. */
export function whiteNoise(seconds: number, level: number, seed = 1): Int16Array {
  const out = new Int16Array(Math.round(seconds * SAMPLE_RATE));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round((x / 2 ** 32 - 0.5) * 2 * level * 32767);
  }
  return out;
}
