import { MnemoError } from '../../config/errors.js';

/*
 * Just enough RIFF/WAVE for what the engines print: 16-bit PCM, any rate, mono or
 * stereo. eSpeak NG writing to a pipe cannot seek back, so its header promises
 * 0x7fffffff-ish sizes; a data size larger than what arrived means "the rest".
 */

export interface DecodedWav {
  rate: number;
  channels: number;
  /** Mono (channels averaged) s16 samples at `rate`. */
  samples: Int16Array;
}

export function decodeWav16(buf: Buffer, source: string): DecodedWav {
  const bad = (why: string) => new MnemoError('tts-failed', `${source} produced unusable audio: ${why}`);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw bad('not a RIFF/WAVE stream');
  }
  let rate = 0;
  let channels = 0;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (body + 16 > buf.length) throw bad('truncated fmt chunk');
      const format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      rate = buf.readUInt32LE(body + 4);
      const bits = buf.readUInt16LE(body + 14);
      if (format !== 1 || bits !== 16 || channels < 1) throw bad(`expected 16-bit PCM, got format ${format}, ${bits} bits`);
    } else if (id === 'data') {
      if (!rate) throw bad('data before fmt');
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += buf.readInt16LE(body + (i * channels + c) * 2);
        samples[i] = Math.round(sum / channels);
      }
      return { rate, channels, samples };
    }
    off = body + size + (size % 2);
  }
  throw bad('no data chunk');
}
