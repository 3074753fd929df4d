import type { EventBus } from './bus.js';
import type { MnemoEventName, MnemoEvents } from './events.js';

/** Median and 95th percentile of a list of numbers (nearest-rank). */
export function percentiles(values: number[]): { p50: number; p95: number; n: number } {
  if (values.length === 0) return { p50: Number.NaN, p95: Number.NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return { p50: rank(0.5), p95: rank(0.95), n: sorted.length };
}

type Stage = { start: MnemoEventName; end: MnemoEventName };

/**
 * Records per-stage durations off the bus: for every `<stage>-start` it pairs the
 * next `<stage>-end` with the same `id` (or the next one, when ids are not used).
 */
export class LatencyRecorder {
  private readonly open = new Map<string, number[]>();
  readonly durations = new Map<string, number[]>();
  private readonly owner = `latency-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly bus: EventBus,
    stages: Record<string, Stage>,
  ) {
    for (const [name, { start, end }] of Object.entries(stages)) {
      bus.on(this.owner, start, (p) => this.started(name, p as MnemoEvents[typeof start]));
      bus.on(this.owner, end, (p) => this.ended(name, p as MnemoEvents[typeof end]));
    }
  }

  /** Add a duration measured elsewhere (e.g. frame to first audio, across stages). */
  record(name: string, ms: number): void {
    const list = this.durations.get(name) ?? [];
    list.push(ms);
    this.durations.set(name, list);
  }

  summary(): Record<string, { p50: number; p95: number; n: number }> {
    return Object.fromEntries([...this.durations].map(([k, v]) => [k, percentiles(v)]));
  }

  dispose(): void {
    this.bus.removeListeners(this.owner);
  }

  private key(name: string, p: { id?: string }): string {
    return `${name}\u0000${p.id ?? ''}`;
  }

  private started(name: string, p: { at: number; id?: string }): void {
    const k = this.key(name, p);
    const list = this.open.get(k) ?? [];
    list.push(p.at);
    this.open.set(k, list);
  }

  private ended(name: string, p: { at: number; id?: string }): void {
    const started = this.open.get(this.key(name, p))?.shift();
    if (started !== undefined) this.record(name, p.at - started);
  }
}

/** The standard stages every pipeline emits. */
export const STAGES: Record<string, Stage> = {
  faces: { start: 'faces-start', end: 'faces-end' },
  speech: { start: 'speech-start', end: 'speech-end' },
  stt: { start: 'stt-start', end: 'stt-end' },
  answer: { start: 'answer-start', end: 'answer-end' },
  llm: { start: 'llm-start', end: 'llm-end' },
};
