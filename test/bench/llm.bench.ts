import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildPrompt } from '../../device/personal/prompt.js';
import { retrieve } from '../../device/personal/retrieval.js';
import { openMemory } from '../../memory/index.js';
import type { MemoryId } from '../../memory/types.js';
import { LlmWorker } from '../../models/llm/generator.js';
import { embed } from '../../models/sentence/index.js';
import { seedFixture } from '../llm/fixture-memory.js';
import type { BenchContext, Benchmark } from './harness.js';

/*
 * The personal model: time to first token and decode rate of a random-weight
 * decoder of SmolLM2-135M's exact shape (q4 as pulled by default, and fp32), with the
 * real personal-model prompt, generating in the worker thread; the main thread's
 * event-loop delay meanwhile (camera frames and recalls keep flowing); RSS before and
 * after load; retrieval latency over 10k notes (FTS, and FTS + sqlite-vec).
 */

const require = createRequire(import.meta.url);
const RUNS = 3;
const NEW_TOKENS = 24;

function build(dir: string, quant: 'q4' | 'fp32'): void {
  const script = fileURLToPath(new URL('../llm/random-decoder.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, dir, '135m', quant], {
    stdio: 'inherit',
    cwd: join(require.resolve('tsx/package.json'), '..', '..', '..'),
  });
  if (r.status !== 0) throw new Error(`building the ${quant} decoder failed`);
}

async function generation(
  ctx: BenchContext,
  label: string,
  worker: LlmWorker,
  messages: Parameters<LlmWorker['generate']>[0],
): Promise<number> {
  const ttft: number[] = [];
  const rate: number[] = [];
  const lag = monitorEventLoopDelay({ resolution: 5 });
  const warm = await worker.generate(messages, { maxNewTokens: 4, timeoutMs: 600_000 });
  ctx.value(`${label} prompt`, warm.promptTokens, 'tokens');
  for (let i = 0; i < RUNS; i++) {
    lag.enable();
    const g = await worker.generate(messages, { maxNewTokens: NEW_TOKENS, timeoutMs: 600_000 });
    lag.disable();
    ttft.push(g.firstTokenMs ?? g.ms);
    rate.push((g.tokens - 1) / ((g.ms - (g.firstTokenMs ?? 0)) / 1000));
  }
  ctx.figure(`${label} time to first token`, ttft);
  const r = ctx.figure(`${label} decode`, rate, 'tok/s');
  ctx.value(`${label} main-thread event-loop delay p99 while generating`, lag.percentile(99) / 1e6, 'ms');
  return r.p50;
}

const bench: Benchmark = {
  description: 'personal model: SmolLM2-135M-shaped random decoder (q4, fp32) in the worker; retrieval over 10k notes',
  async run(ctx) {
    const root = mkdtempSync(join(tmpdir(), 'mnemo-bench-llm-'));
    try {
      const memory = openMemory({ path: join(root, 'fixture.db'), log: false });
      const fx = seedFixture(memory);
      const { evidence } = await retrieve(memory, 'Where did I meet Ana?', { k: 6, embeddingModel: 'use-lite-512' });
      const { messages } = buildPrompt({
        question: 'Where did I meet Ana?',
        evidence,
        profile: memory.profile.get(),
        personInView: memory.people.get(fx.people.ana as number),
      });
      memory.close();

      const rates: Record<string, number> = {};
      for (const quant of ['q4', 'fp32'] as const) {
        const dir = join(root, `smollm2-135m-random-${quant}`);
        build(dir, quant);
        const file = join(dir, 'onnx', quant === 'q4' ? 'model_q4.onnx' : 'model.onnx');
        ctx.value(`${quant} model file`, statSync(file).size / 1e6, 'MB');
        for (const threads of quant === 'q4' ? [1, 2] : [2]) {
          const rss0 = process.memoryUsage().rss;
          const worker = new LlmWorker({ modelId: `random-135m-${quant}`, folder: dir, dtype: quant, threads });
          const label = `${quant} ${threads} thread${threads > 1 ? 's' : ''}`;
          const loadMs = await worker.load();
          ctx.value(`${label} load`, loadMs, 'ms');
          ctx.value(`${label} RSS before load (CLI process)`, rss0 / 1e6, 'MB');
          ctx.value(`${label} RSS after load`, process.memoryUsage().rss / 1e6, 'MB');
          rates[`${quant}-t${threads}`] = await generation(ctx, label, worker, messages);
          await worker.dispose();
        }
      }
      ctx.ratio('q4 decode 2 threads / 1 thread', (rates['q4-t2'] ?? 0) / (rates['q4-t1'] ?? 1));
      ctx.ratio('q4 / fp32 decode (2 threads)', (rates['q4-t2'] ?? 0) / (rates['fp32-t2'] ?? 1));

      // Retrieval over 10k notes: real FTS5 over varied text; vectors are random unit
      // vectors (KNN cost does not depend on what they mean); the query embedding by
      // USE lite is timed on its own.
      const big = openMemory({ path: join(root, 'big.db'), log: false });
      const topics = ['drones', 'bakery', 'piano', 'marathon', 'databases', 'bikes', 'dentist', 'trumpet', 'robots', 'gardening'];
      const places = ['the meetup', 'the office', 'the park', 'the station', 'the conference'];
      let seed = 1;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const unit = () => {
        const v = new Float32Array(512).map(() => rand() - 0.5);
        const n = Math.hypot(...v);
        return v.map((x) => x / n);
      };
      const people = Array.from({ length: 500 }, (_, i) => big.people.create(`Person${i} Family${i % 97}`).id);
      for (let i = 0; i < 10_000; i++) {
        const pid = people[i % people.length] as number;
        const note = big.notes.add({
          personId: pid,
          text: `Talked about ${topics[i % 10]} and ${topics[(i * 7) % 10]} at ${places[i % 5]}, item ${i}.`,
        });
        big.textVectors.upsert(`note:${note.id}` as MemoryId, 'use-lite-512', unit());
      }
      const q = unit();
      const fixedEmbed = async () => [q];
      ctx.figure(
        'retrieval over 10k notes, FTS + names',
        await ctx.time(() => retrieve(big, 'who works on robots at the conference?', { k: 6, embeddingModel: 'use-lite-512' })),
      );
      ctx.figure(
        'retrieval over 10k notes, FTS + sqlite-vec',
        await ctx.time(() =>
          retrieve(big, 'who works on robots at the conference?', { k: 6, embeddingModel: 'use-lite-512', embed: fixedEmbed }),
        ),
      );
      ctx.note(`vector search: ${big.stats().vectorSearch}`);
      big.close();
      await embed(['warm up']);
      ctx.figure('USE lite query embedding', await ctx.time(() => embed(['who works on robots at the conference?'])));
      ctx.note('random weights: gibberish text, real compute per token; the machine is shared, figures are noisy');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
export default bench;
