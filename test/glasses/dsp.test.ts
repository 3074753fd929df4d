import { describe, expect, it } from 'vitest';
import { BoneConductionFilter } from '../../models/tts/bone-conduction.js';
import { resample } from '../../models/tts/resample.js';
import { splitSentences, truncateText } from '../../models/tts/sentences.js';

function tone(hz: number, rate: number, seconds: number, amp = 0.3): Float64Array {
  const n = Math.round(rate * seconds);
  return Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

function toS16(x: Float64Array): Int16Array {
  return Int16Array.from(x, (v) => Math.round(v * 32767));
}

/** Amplitude of one frequency (Goertzel), skipping the first `skip` samples (filter settling). */
function level(x: Int16Array, hz: number, rate: number, skip = 0): number {
  const w = (2 * Math.PI * hz) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = skip; i < x.length; i++) {
    const s0 = (x[i] as number) / 32768 + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const n = x.length - skip;
  return (2 * Math.sqrt(s1 * s1 + s2 * s2 - c * s1 * s2)) / n;
}

function dbfsRms(x: Int16Array): number {
  let e = 0;
  for (const v of x) e += (v / 32768) ** 2;
  return 20 * Math.log10(Math.sqrt(e / x.length));
}

describe('sentence splitting', () => {
  it('splits at sentence ends but not after abbreviations or initials', () => {
    expect(splitSentences('Ana Lima. Met Dr. Smith at the meetup, March 3rd. Works on drones! J. R. Tolkien wrote it. Really?')).toEqual([
      'Ana Lima.',
      'Met Dr. Smith at the meetup, March 3rd.',
      'Works on drones!',
      'J. R. Tolkien wrote it.',
      'Really?',
    ]);
  });

  it('splits Mandarin at its own punctuation', () => {
    expect(splitSentences('你好，我叫安娜。我住在北京！你呢？', 'zh')).toEqual(['你好，我叫安娜。', '我住在北京！', '你呢？']);
  });

  it('cuts a run-on sentence at a clause boundary so the first chunk is not held back', () => {
    const runOn = `${'word '.repeat(20)}then, ${'more words '.repeat(20)}and the end`;
    const parts = splitSentences(runOn, 'en', 80);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(80);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(runOn.replace(/\s+/g, ' ').trim());
  });

  it('drops empty pieces and punctuation-only noise', () => {
    expect(splitSentences('  ...  !!  ')).toEqual([]);
  });

  it('truncates at a sentence end, else at a word', () => {
    expect(truncateText('One two. Three four five six.', 20)).toBe('One two.');
    expect(truncateText('Supercalifragilistic expialidocious words', 25)).toBe('Supercalifragilistic');
    expect(truncateText('short', 25)).toBe('short');
  });
});

describe('bone-conduction filter', () => {
  const rate = 16_000;

  it('removes content below the cut-off and keeps speech frequencies', () => {
    const high = tone(1000, rate, 1);
    const mix = tone(100, rate, 1).map((v, i) => v + (high[i] as number));
    const input = toS16(mix.map((v) => v / 2));
    const out = new BoneConductionFilter({ rate, highPassHz: 250, loudnessDbfs: -18 }).process(input);
    const skip = rate / 10;
    const before = level(input, 100, rate, skip) / level(input, 1000, rate, skip);
    const after = level(out, 100, rate, skip) / level(out, 1000, rate, skip);
    // Second-order Butterworth at 250 Hz: 100 Hz is ~16 dB down relative to 1 kHz.
    expect(20 * Math.log10(after / before)).toBeLessThan(-12);
  });

  it('brings a quiet and a loud sentence to the same loudness, peaks under -1 dBFS', () => {
    const filter = new BoneConductionFilter({ rate, highPassHz: 250, loudnessDbfs: -18 });
    const quiet = filter.process(toS16(tone(800, rate, 0.5, 0.01)));
    const loud = filter.process(toS16(tone(800, rate, 0.5, 0.9)));
    expect(Math.abs(dbfsRms(quiet.subarray(800)) - -18)).toBeLessThan(1.5);
    expect(Math.abs(dbfsRms(loud.subarray(800)) - -18)).toBeLessThan(1.5);
    expect(Math.max(...loud.map(Math.abs))).toBeLessThanOrEqual(Math.ceil(32768 * 10 ** (-1 / 20)));
  });

  it('leaves silence silent (no gain on nothing)', () => {
    const out = new BoneConductionFilter({ rate, highPassHz: 250, loudnessDbfs: -18 }).process(new Int16Array(1600));
    expect(out.every((v) => v === 0)).toBe(true);
  });
});

describe('resampling', () => {
  it('keeps a 1 kHz tone and its level from 22.05 kHz to 16 kHz', () => {
    const input = toS16(tone(1000, 22_050, 1));
    const out = resample(input, 22_050, 16_000);
    expect(out.length).toBe(16_000);
    expect(level(out, 1000, 16_000, 100)).toBeCloseTo(0.3, 1);
  });

  it('removes a 10 kHz tone that 16 kHz cannot carry instead of aliasing it to 6 kHz', () => {
    const out = resample(toS16(tone(10_000, 22_050, 1)), 22_050, 16_000);
    expect(level(out, 6000, 16_000, 100)).toBeLessThan(0.3 * 0.05);
  });

  it('doubles 8 kHz to 16 kHz with the tone intact', () => {
    const out = resample(toS16(tone(500, 8000, 1)), 8000, 16_000);
    expect(out.length).toBe(16_000);
    expect(level(out, 500, 16_000, 100)).toBeCloseTo(0.3, 1);
  });
});
