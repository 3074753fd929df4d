import type { Command } from 'commander';
import { runBenchmark } from '../../test/bench/harness.js';

export function registerBench(program: Command): void {
  program
    .command('bench <name>')
    .description('run a benchmark from test/bench/ (medians over repeated runs, ratios against peers)')
    .option('--json', 'print one JSON object with figures, ratios and machine facts')
    .action(async (name: string, opts: { json?: boolean }) => {
      await runBenchmark(name, { json: opts.json === true });
    });
}
