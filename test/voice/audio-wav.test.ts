import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { createMicrophone, RecorderMicrophone, ReplayMicrophone } from '../../hardware/microphone/index.js';
import { encodeWav, parseWav, readWav16k, resample } from '../../hardware/microphone/wav.js';
import { LIBRIVOX, librivoxClips } from './audio-synth.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-audio-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sine(hz: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

/** Frequency from zero crossings (a pure tone has two per period). */
function frequency(samples: ArrayLike<number>, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1] as number) < 0 !== (samples[i] as number) < 0) crossings++;
  return crossings / 2 / (samples.length / rate);
}

function wavHeader(opts: { format: number; channels: number; rate: number; bits: number; dataBytes: number }): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + opts.dataBytes, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(opts.format, 20);
  h.writeUInt16LE(opts.channels, 22);
  h.writeUInt32LE(opts.rate, 24);
  h.writeUInt32LE((opts.rate * opts.channels * opts.bits) / 8, 28);
  h.writeUInt16LE((opts.channels * opts.bits) / 8, 32);
  h.writeUInt16LE(opts.bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(opts.dataBytes, 40);
  return h;
}

function expectAudioInvalid(fn: () => unknown, file: string, why: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isMnemoError(err, 'audio-invalid')).toBe(true);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(why);
    return;
  }
  throw new Error('expected audio-invalid');
}

describe('WAV reading', () => {
  it('reads the real LibriVox clips as 16 kHz mono, as sox reports them', () => {
    const clip = librivoxClips()[1] as { file: string };
    const { pcm, resampled } = readWav16k(clip.file);
    expect(resampled).toBe(false);
    expect(pcm.length).toBe(47840); // soxi: 2.99 s = 47840 samples
  });

  it('a truncated WAV is audio-invalid naming the file', () => {
    const whole = readFileSync(join(LIBRIVOX, `${librivoxClips()[0]?.id}.wav`));
    const cut = join(dir, 'cut.wav');
    writeFileSync(cut, whole.subarray(0, 20_000));
    expectAudioInvalid(() => readWav16k(cut), cut, /truncated/);
    const headerOnly = join(dir, 'header.wav');
    writeFileSync(headerOnly, whole.subarray(0, 30));
    expectAudioInvalid(() => readWav16k(headerOnly), headerOnly, /truncated|no data/);
    const odd = join(dir, 'odd.wav');
    writeFileSync(odd, Buffer.concat([wavHeader({ format: 1, channels: 1, rate: 16000, bits: 16, dataBytes: 3 }), Buffer.alloc(3)]));
    expectAudioInvalid(() => readWav16k(odd), odd, /whole number/);
  });

  it('a non-PCM or non-WAV file is audio-invalid naming the file', () => {
    const alaw = join(dir, 'alaw.wav');
    writeFileSync(alaw, Buffer.concat([wavHeader({ format: 6, channels: 1, rate: 8000, bits: 8, dataBytes: 800 }), Buffer.alloc(800)]));
    expectAudioInvalid(() => readWav16k(alaw), alaw, /not PCM.*0x6/);
    const mp3 = join(dir, 'song.mp3.wav');
    writeFileSync(mp3, Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000 not a wave at all'));
    expectAudioInvalid(() => readWav16k(mp3), mp3, /not a RIFF/);
    expectAudioInvalid(() => readWav16k(join(dir, 'absent.wav')), join(dir, 'absent.wav'), /cannot be read/);
  });

  it('a 44.1 kHz stereo file is resampled to 16 kHz with the pitch kept', () => {
    const left = sine(440, 44100, 1);
    const stereo = Buffer.alloc(left.length * 4);
    left.forEach((v, i) => {
      stereo.writeInt16LE(Math.round(v * 32767), i * 4);
      stereo.writeInt16LE(Math.round(v * 32767), i * 4 + 2);
    });
    const file = join(dir, 'stereo44.wav');
    writeFileSync(file, Buffer.concat([wavHeader({ format: 1, channels: 2, rate: 44100, bits: 16, dataBytes: stereo.length }), stereo]));
    const out = readWav16k(file);
    expect(out.resampled).toBe(true);
    expect(out.sourceRate).toBe(44100);
    expect(out.pcm.length).toBe(16000);
    expect(frequency(out.pcm, 16000)).toBeCloseTo(440, -1);
  });

  it('downsampling removes what 16 kHz cannot hold instead of aliasing it', () => {
    // 12 kHz is above the 8 kHz Nyquist limit: a naive decimation folds it to 4 kHz.
    const out = resample(sine(12000, 48000, 0.5), 48000, 16000);
    const rms = Math.sqrt(out.reduce((s, v) => s + v * v, 0) / out.length);
    expect(rms).toBeLessThan(0.02);
    const kept = resample(sine(1000, 48000, 0.5), 48000, 16000);
    expect(Math.sqrt(kept.reduce((s, v) => s + v * v, 0) / kept.length)).toBeGreaterThan(0.3);
  });

  it('8-bit, 24-bit and float WAVs read to the same samples as 16-bit', () => {
    const tone = sine(300, 16000, 0.1, 0.25);
    const f32 = Buffer.alloc(tone.length * 4);
    tone.forEach((v, i) => {
      f32.writeFloatLE(v, i * 4);
    });
    const float = parseWav(Buffer.concat([wavHeader({ format: 3, channels: 1, rate: 16000, bits: 32, dataBytes: f32.length }), f32]));
    const pcm16 = parseWav(encodeWav(Int16Array.from(tone, (v) => Math.round(v * 32767))));
    const u8 = Buffer.from(Array.from(tone, (v) => Math.round(v * 127) + 128));
    const eight = parseWav(Buffer.concat([wavHeader({ format: 1, channels: 1, rate: 16000, bits: 8, dataBytes: u8.length }), u8]));
    for (let i = 0; i < tone.length; i += 97) {
      expect(float.samples[i]).toBeCloseTo(tone[i] as number, 5);
      expect(pcm16.samples[i]).toBeCloseTo(tone[i] as number, 3);
      expect(eight.samples[i]).toBeCloseTo(tone[i] as number, 1);
    }
  });
});

describe('replay microphone', () => {
  it('plays a timeline of a real clip, silence and noise as fixed 32 ms chunks, losing no sample', async () => {
    const clip = librivoxClips()[1] as { file: string };
    const timeline = join(dir, 'timeline.yaml');
    writeFileSync(timeline, `- silence: 0.5\n- wav: ${clip.file}\n- noise: 1\n  level: 0.05\n`);
    const mic = new ReplayMicrophone({ source: timeline, chunkMs: 32, speed: 0 });
    const chunks: Int16Array[] = [];
    for await (const c of mic.chunks()) chunks.push(c);
    const total = chunks.reduce((s, c) => s + c.length, 0);
    expect(total).toBe(8000 + 47840 + 16000);
    expect(chunks.slice(0, -1).every((c) => c.length === 512)).toBe(true);
    const joined = mic.render();
    expect(joined.subarray(8000, 8000 + 47840)).toEqual(readWav16k(clip.file).pcm);
    expect(joined.subarray(0, 8000).every((v) => v === 0)).toBe(true);
  });

  it('stops when told or aborted, and refuses a second stream at once', async () => {
    const mic = createMicrophone({
      ...defaultConfig().microphone,
      source: 'replay',
      path: `${LIBRIVOX}/${librivoxClips()[0]?.id}.wav`,
      replaySpeed: 0,
    });
    const ac = new AbortController();
    let n = 0;
    const it = mic.chunks(ac.signal);
    expect(() => mic.chunks()).toThrow(/already streaming/);
    for await (const _ of it) if (++n === 3) ac.abort();
    expect(n).toBe(3);
    let m = 0;
    for await (const _ of mic.chunks()) if (++m === 5) mic.stop();
    expect(m).toBe(5);
  });

  it('a bad timeline step or a truncated file in it is audio-invalid', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- wav: a.wav\n- beep: 3\n');
    expect(() => new ReplayMicrophone({ source: bad, chunkMs: 32, speed: 0 }).render()).toThrow(/step 2/);
    const cut = join(dir, 'cut2.wav');
    writeFileSync(cut, readFileSync(`${LIBRIVOX}/${librivoxClips()[2]?.id}.wav`).subarray(0, 1000));
    expect(() => new ReplayMicrophone({ source: [{ wav: cut }], chunkMs: 32, speed: 0 }).render()).toThrow(/cut2\.wav: truncated/);
  });
});

describe('recorder microphone (node-record-lpcm16)', () => {
  const withPath = async <T>(bin: string, fn: () => Promise<T>): Promise<T> => {
    const old = process.env.PATH;
    process.env.PATH = `${bin}:${old}`;
    try {
      return await fn();
    } finally {
      process.env.PATH = old;
    }
  };

  it('streams what arecord writes, as 16 kHz s16le chunks', async () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    const clip = `${LIBRIVOX}/${librivoxClips()[4]?.id}.wav`;
    // A stand-in arecord on PATH that "records" a real clip through sox.
    writeFileSync(join(bin, 'arecord'), `#!/bin/sh\nexec sox "${clip}" -t raw -r 16000 -c 1 -b 16 -e signed-integer -\n`);
    chmodSync(join(bin, 'arecord'), 0o755);
    const chunks = await withPath(bin, async () => {
      const out: Int16Array[] = [];
      for await (const c of new RecorderMicrophone({ recorder: 'arecord', chunkMs: 20 }).chunks()) out.push(c);
      return out;
    });
    const all = new Int16Array(chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    expect(chunks[0]?.length).toBe(320);
    expect(all).toEqual(readWav16k(clip).pcm);
  });

  it('a recorder that fails is microphone-unavailable with its own reason', async () => {
    const bin = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(bin, 'arecord'), '#!/bin/sh\necho "arecord: main:830: audio open error: No such file or directory" >&2\nexit 1\n');
    chmodSync(join(bin, 'arecord'), 0o755);
    const err = await withPath(bin, async () => {
      try {
        for await (const _ of new RecorderMicrophone({ recorder: 'arecord', device: 'hw:9', chunkMs: 20 }).chunks());
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(isMnemoError(err, 'microphone-unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/audio open error/);
  });

  it('a recorder that is not installed is microphone-unavailable, not a crash', async () => {
    const old = process.env.PATH;
    process.env.PATH = mkdtempSync(join(dir, 'empty-'));
    let err: unknown;
    try {
      for await (const _ of new RecorderMicrophone({ recorder: 'rec', chunkMs: 20 }).chunks());
    } catch (e) {
      err = e;
    } finally {
      process.env.PATH = old;
    }
    expect(isMnemoError(err, 'microphone-unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/"rec" is not installed/);
  });
});
