import type { Clock } from '../contracts.js';

/**
 * The scenario's wall clock: it starts on the scenario's date and runs in real
 * time, and `skip()` moves it ahead (three days pass in a moment). Monotonic time
 * is untouched, so latencies stay real.
 */
export class ScenarioClock implements Clock {
  private readonly t0 = performance.now();
  private skipped = 0;

  constructor(private readonly startMs: number) {}

  now(): number {
    return Math.round(this.startMs + (performance.now() - this.t0) + this.skipped);
  }

  monotonic(): number {
    return performance.now();
  }

  skip(ms: number): void {
    this.skipped += ms;
  }
}
