/*
 * Shapes PCM for a bone-conduction transducer: it barely reproduces anything below
 * a few hundred hertz and buzzes against the skull when driven there, so a
 * second-order Butterworth high-pass (RBJ biquad) removes it; then each sentence is
 * brought to one loudness (RMS over its voiced frames, so pauses do not count),
 * with peaks kept under -1 dBFS and the gain capped so near-silence is not blown up.
 * The filter state carries across sentences of one stream: no click at the seams.
 */

export interface BoneConductionOptions {
  rate: number;
  highPassHz: number;
  /** Target RMS in dBFS, e.g. -18. */
  loudnessDbfs: number;
  /** Largest gain applied, in dB. */
  maxGainDb?: number;
}

const PEAK_LIMIT = 10 ** (-1 / 20);
const GATE_DBFS = -45;

export class BoneConductionFilter {
  private readonly b0: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly a1: number;
  private readonly a2: number;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(private readonly options: BoneConductionOptions) {
    const w0 = (2 * Math.PI * Math.max(1, options.highPassHz)) / options.rate;
    const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
    const cos = Math.cos(w0);
    const a0 = 1 + alpha;
    this.b0 = (1 + cos) / 2 / a0;
    this.b1 = -(1 + cos) / a0;
    this.b2 = (1 + cos) / 2 / a0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
  }

  /** Filters and normalises one sentence; returns a new buffer. */
  process(input: Int16Array): Int16Array {
    const x = new Float32Array(input.length);
    const bypass = this.options.highPassHz <= 0;
    for (let i = 0; i < input.length; i++) {
      const s = (input[i] as number) / 32768;
      if (bypass) {
        x[i] = s;
        continue;
      }
      const y = this.b0 * s + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
      this.x2 = this.x1;
      this.x1 = s;
      this.y2 = this.y1;
      this.y1 = y;
      x[i] = y;
    }
    const gain = this.gainFor(x);
    const out = new Int16Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = (x[i] as number) * gain * 32768;
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
    }
    return out;
  }

  private gainFor(x: Float32Array): number {
    const frame = Math.max(1, Math.round(this.options.rate * 0.02));
    const gate = 10 ** (GATE_DBFS / 20);
    let energy = 0;
    let count = 0;
    let peak = 0;
    for (let start = 0; start < x.length; start += frame) {
      let e = 0;
      const end = Math.min(x.length, start + frame);
      for (let i = start; i < end; i++) {
        const v = x[i] as number;
        e += v * v;
        if (Math.abs(v) > peak) peak = Math.abs(v);
      }
      if (Math.sqrt(e / (end - start)) >= gate) {
        energy += e;
        count += end - start;
      }
    }
    if (count === 0 || peak === 0) return 1;
    const rms = Math.sqrt(energy / count);
    const target = 10 ** (this.options.loudnessDbfs / 20);
    const maxGain = 10 ** ((this.options.maxGainDb ?? 24) / 20);
    return Math.min(target / rms, PEAK_LIMIT / peak, maxGain);
  }
}
