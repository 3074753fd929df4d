/*
 * Band-limited resampling (windowed sinc, Blackman window) for engines that do not
 * speak at 16 kHz: Flite's `kal` voice is 8 kHz, eSpeak NG 22.05 kHz, festival's
 * voices vary. Linear interpolation would alias eSpeak's 8-11 kHz content straight
 * into the band a bone-conduction speaker plays loudest. Rates are integers, so the
 * output positions cycle through L = to/gcd phases: one kernel per phase is computed
 * once (cached), and each output sample is a short dot product.
 */

const HALF_TAPS = 8;
const MAX_PHASES = 4096;

interface Kernels {
  up: number;
  down: number;
  reach: number;
  taps: Float32Array[];
}

const cache = new Map<string, Kernels>();

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input;
  const k = kernels(fromRate, toRate);
  const outLength = Math.floor((input.length * k.up) / k.down);
  const out = new Int16Array(outLength);
  for (let i = 0; i < outLength; i++) {
    const pos = i * k.down;
    const base = Math.floor(pos / k.up);
    const taps = k.taps[pos % k.up] as Float32Array;
    let sum = 0;
    let norm = 0;
    for (let t = 0; t < taps.length; t++) {
      const j = base - k.reach + t;
      if (j < 0 || j >= input.length) continue;
      const h = taps[t] as number;
      sum += (input[j] as number) * h;
      norm += h;
    }
    // Dividing by the taps actually used keeps the level right at the buffer's edges too.
    const v = norm > 0 ? sum / norm : 0;
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
  }
  return out;
}

function kernels(fromRate: number, toRate: number): Kernels {
  const key = `${fromRate}:${toRate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const g = gcd(fromRate, toRate);
  let up = toRate / g;
  let down = fromRate / g;
  if (up > MAX_PHASES) {
    // An odd pair of rates: quantise the phase (error < 1/4096 of a sample).
    down = Math.round((down * MAX_PHASES) / up);
    up = MAX_PHASES;
  }
  // Downsampling lowers the cut-off to the new Nyquist; upsampling keeps the old one.
  const cutoff = Math.min(1, toRate / fromRate);
  const width = HALF_TAPS / cutoff;
  const reach = Math.ceil(width);
  const taps: Float32Array[] = [];
  for (let p = 0; p < up; p++) {
    const frac = p / up;
    const h = new Float32Array(2 * reach + 1);
    for (let t = 0; t < h.length; t++) {
      const d = t - reach - frac;
      const x = d * cutoff;
      h[t] = (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * blackman(d / width);
    }
    taps.push(h);
  }
  const k = { up, down, reach, taps };
  cache.set(key, k);
  return k;
}

/** Blackman window over t in [-1, 1]. */
function blackman(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  const a = Math.PI * (t + 1);
  return 0.42 - 0.5 * Math.cos(a) + 0.08 * Math.cos(2 * a);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
