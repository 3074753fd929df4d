import { existsSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MnemoError } from '../../config/errors.js';
import { percentiles } from '../../device/latency.js';

/*
 * Benchmarks, separate from tests: each prints medians over repeated runs and,
 * where the issue names a peer, the ratio against it measured in the same run.
 * A benchmark is `test/bench/<name>.bench.ts` exporting `default: Benchmark`.
 */

export interface Figure {
  p50: number;
  p95: number;
  unit: string;
  n?: number;
}

export interface BenchReport {
  name: string;
  figures: Record<string, Figure>;
  ratios: Record<string, number>;
  notes?: string[];
  machine: Record<string, unknown>;
}

export interface BenchContext {
  /** Times `fn` `runs` times after `warmup` untimed runs; returns milliseconds. */
  time(fn: () => unknown | Promise<unknown>, opts?: { runs?: number; warmup?: number }): Promise<number[]>;
  figure(what: string, samples: number[], unit?: string): Figure;
  /** Record a single-valued figure (a rate, an RSS). */
  value(what: string, value: number, unit: string): void;
  ratio(what: string, value: number): void;
  note(text: string): void;
}

export interface Benchmark {
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return { node: process.version, arch: arch(), cpus: cpu.length, cpuModel: cpu[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30) };
}

export async function collect(name: string, bench: Benchmark): Promise<BenchReport> {
  const report: BenchReport = { name, figures: {}, ratios: {}, notes: [], machine: machine() };
  const ctx: BenchContext = {
    async time(fn, opts = {}) {
      const { runs = 20, warmup = 2 } = opts;
      for (let i = 0; i < warmup; i++) await fn();
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        out.push(performance.now() - t0);
      }
      return out;
    },
    figure(what, samples, unit = 'ms') {
      const { p50, p95, n } = percentiles(samples);
      const f = { p50: round(p50), p95: round(p95), unit, n };
      report.figures[what] = f;
      return f;
    },
    value(what, value, unit) {
      report.figures[what] = { p50: round(value), p95: round(value), unit, n: 1 };
    },
    ratio(what, value) {
      report.ratios[what] = round(value);
    },
    note(text) {
      report.notes?.push(text);
    },
  };
  await bench.run(ctx);
  return report;
}

function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}

export function formatReport(r: BenchReport): string {
  const lines = [`benchmark ${r.name} (${r.machine.cpus} x ${r.machine.cpuModel}, node ${r.machine.node})`];
  const w = Math.max(10, ...Object.keys(r.figures).map((k) => k.length), ...Object.keys(r.ratios).map((k) => k.length));
  for (const [k, f] of Object.entries(r.figures)) {
    lines.push(
      `  ${k.padEnd(w)}  p50 ${String(f.p50).padStart(9)} ${f.unit.padEnd(6)} p95 ${String(f.p95).padStart(9)} ${f.unit}${f.n && f.n > 1 ? `  (n=${f.n})` : ''}`,
    );
  }
  if (Object.keys(r.ratios).length) lines.push('  ratios:');
  for (const [k, v] of Object.entries(r.ratios)) lines.push(`  ${k.padEnd(w)}  ${v}x`);
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

export async function loadBenchmark(name: string): Promise<Benchmark> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new MnemoError('bench-unknown', `no benchmark called "${name}"`);
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const url = new URL(`./${name}.bench.${ext}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new MnemoError('bench-unknown', `no benchmark called "${name}"`, { fix: 'benchmarks are the test/bench/<name>.bench.ts files' });
  }
  return ((await import(url.href)) as { default: Benchmark }).default;
}

export async function runBenchmark(name: string, opts: { json: boolean }): Promise<BenchReport> {
  const bench = await loadBenchmark(name);
  if (!opts.json) process.stderr.write(`${bench.description}\n`);
  const report = await collect(name, bench);
  process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return report;
}
