import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { runDemo } from '../../device/demo/run-demo.js';
import type { Benchmark } from './harness.js';

const RUNS = Number(process.env.MNEMO_BENCH_RUNS ?? 5);

/** The demo scenario, five times: per-stage and end-to-end latencies pooled over the runs. */
const bench: Benchmark = {
  description: `e2e: the demo scenario ${RUNS} times on real models (per-stage p50/p95 read off the bus)`,
  async run(ctx) {
    const pooled = new Map<string, number[]>();
    const add = (k: string, v: number[]) => pooled.set(k, [...(pooled.get(k) ?? []), ...v]);
    let ok = 0;
    let wrong = 0;
    const totals: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const config = loadConfig({ overrides: { log: { level: 'warn' } } });
      const out = mkdtempSync(join(tmpdir(), 'mnemo-bench-e2e-'));
      const r = await runDemo({ out, config });
      totals.push((performance.now() - t0) / 1000);
      if (r.ok) ok++;
      wrong += r.result.wrongNames.length;
      for (const [what, samples] of Object.entries(r.latency.samples)) add(what, samples);
    }
    for (const [k, v] of pooled) ctx.figure(k, v);
    ctx.figure('whole scenario', totals, 's');
    ctx.value('runs with every expectation held', ok, `of ${RUNS}`);
    ctx.value('wrong names', wrong, 'count');
  },
};
export default bench;
