import { readFileSync } from 'node:fs';
import { MnemoError } from '../../config/errors.js';

/*
 * RIFF/WAVE reading and writing for the microphone replay, `mnemo listen` and the
 * tests. Everything downstream wants 16 kHz mono signed 16-bit PCM, so readers
 * convert: channels are averaged, 8/24/32-bit and float samples are scaled, and
 * other sample rates are resampled. Anything that is not PCM (or is cut short)
 * is an `audio-invalid` error naming the file, never a silently wrong buffer.
 */

export const SAMPLE_RATE = 16_000;

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** 1 = integer PCM, 3 = IEEE float. */
  format: 1 | 3;
  /** Mono samples at the file's own rate, scaled to -1..1. */
  samples: Float32Array;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

function invalid(file: string, why: string): MnemoError {
  return new MnemoError('audio-invalid', `${file}: ${why}`, {
    fix: 'give a PCM WAV file (16 kHz mono 16-bit is best), e.g. `sox in.mp3 -r 16000 -c 1 -b 16 out.wav`',
    details: { file },
  });
}

/** Parses a WAV buffer; `file` only names the source in errors. */
export function parseWav(buf: Buffer, file = '<buffer>'): WavInfo {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw invalid(file, 'not a RIFF/WAVE file');
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw invalid(file, 'truncated fmt chunk');
      let format = buf.readUInt16LE(body);
      if (format === EXTENSIBLE && size >= 40) format = buf.readUInt16LE(body + 24);
      fmt = { format, channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw invalid(file, 'data chunk before fmt chunk');
      // A header that promises more than the file holds is a cut-short recording.
      if (body + size > buf.length && size !== 0xffffffff) {
        throw invalid(file, `truncated: header says ${size} bytes of audio, file has ${buf.length - body}`);
      }
      return decode(buf.subarray(body, size === 0xffffffff ? buf.length : body + size), fmt, file);
    }
    off = body + size + (size % 2);
  }
  throw invalid(file, fmt ? 'no data chunk (truncated?)' : 'no fmt chunk (truncated?)');
}

function decode(data: Buffer, fmt: { format: number; channels: number; sampleRate: number; bits: number }, file: string): WavInfo {
  const { format, channels, sampleRate, bits } = fmt;
  if (format !== PCM && format !== FLOAT) throw invalid(file, `not PCM (WAVE format tag 0x${format.toString(16)})`);
  if (channels < 1 || sampleRate < 1000) throw invalid(file, `bad header: ${channels} channels at ${sampleRate} Hz`);
  const ok = format === PCM ? [8, 16, 24, 32].includes(bits) : bits === 32 || bits === 64;
  if (!ok) throw invalid(file, `unsupported ${bits}-bit ${format === PCM ? 'PCM' : 'float'}`);
  const bytes = bits / 8;
  const frame = bytes * channels;
  if (data.length % frame !== 0) throw invalid(file, `truncated: ${data.length} bytes is not a whole number of ${frame}-byte frames`);
  const n = data.length / frame;
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += readSample(data, (i * channels + c) * bytes, bits, format);
    samples[i] = sum / channels;
  }
  return { sampleRate, channels, bitsPerSample: bits, format: format as 1 | 3, samples };
}

function readSample(b: Buffer, at: number, bits: number, format: number): number {
  if (format === FLOAT) return bits === 32 ? b.readFloatLE(at) : b.readDoubleLE(at);
  switch (bits) {
    case 8:
      return (b.readUInt8(at) - 128) / 128;
    case 16:
      return b.readInt16LE(at) / 32768;
    case 24:
      return b.readIntLE(at, 3) / 8388608;
    default:
      return b.readInt32LE(at) / 2147483648;
  }
}

/**
 * Band-limited resampling: a Hann-windowed sinc whose cutoff is the lower of the
 * two Nyquist rates, so downsampling 44.1/48 kHz speech does not alias.
 */
export function resample(input: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return input;
  const ratio = to / from;
  const out = new Float32Array(Math.floor(input.length * ratio));
  const cutoff = Math.min(1, ratio);
  const half = 16; // taps either side, in input samples at the cutoff rate
  const width = Math.ceil(half / cutoff);
  for (let i = 0; i < out.length; i++) {
    const center = i / ratio;
    const lo = Math.max(0, Math.ceil(center - width));
    const hi = Math.min(input.length - 1, Math.floor(center + width));
    let acc = 0;
    let norm = 0;
    for (let j = lo; j <= hi; j++) {
      const x = (j - center) * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.5 + 0.5 * Math.cos((Math.PI * (j - center)) / (width + 1));
      const k = sinc * w;
      acc += (input[j] as number) * k;
      norm += k;
    }
    out[i] = norm ? acc / norm : 0;
  }
  return out;
}

export function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i] as number));
    out[i] = Math.round(v < 0 ? v * 32768 : v * 32767);
  }
  return out;
}

export function toFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] as number) / 32768;
  return out;
}

export interface PcmAudio {
  /** 16 kHz mono s16le. */
  pcm: Int16Array;
  /** The file's own rate (resampled from when it was not 16 kHz). */
  sourceRate: number;
  resampled: boolean;
}

/** Any PCM WAV buffer as 16 kHz mono 16-bit. */
export function wavTo16k(buf: Buffer, file = '<buffer>'): PcmAudio {
  const info = parseWav(buf, file);
  const samples = resample(info.samples, info.sampleRate, SAMPLE_RATE);
  return { pcm: toInt16(samples), sourceRate: info.sampleRate, resampled: info.sampleRate !== SAMPLE_RATE };
}

export function readWav16k(file: string): PcmAudio {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (cause) {
    throw new MnemoError('audio-invalid', `${file}: cannot be read`, { cause, details: { file } });
  }
  return wavTo16k(buf, file);
}

/** A canonical 44-byte-header PCM WAV. */
export function encodeWav(pcm: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(PCM, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
