import type { Command } from 'commander';
import { commandConfig } from '../cli-context.js';
import { formatEntry, formatSummary } from '../demo/report.js';
import { DEFAULT_SCENARIO, runDemo } from '../demo/run-demo.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the scripted demo scenario, end to end on real models (what `npm start` runs)')
    .option('--scenario <file>', 'a scenario file (see device/demo/scenario.yaml)', DEFAULT_SCENARIO)
    .option('--out <dir>', 'where the WAVs the glasses received and report.json go', './demo-out')
    .option('--memory <path>', 'keep the memory database at this path (default: a fresh temp file)')
    .option('--json', 'print the report as JSON instead of the timeline')
    .action(async (opts: { scenario: string; out: string; memory?: string; json?: boolean }, cmd: Command) => {
      // The timeline is the demo's output; logs stay at warn unless asked for.
      const config = commandConfig(cmd, process.env.MNEMO_LOG__LEVEL ? {} : { log: { level: 'warn' } });
      const colour = process.stdout.isTTY === true;
      const report = await runDemo({
        scenario: opts.scenario,
        out: opts.out,
        memory: opts.memory,
        config,
        onEntry: opts.json ? undefined : (e) => process.stdout.write(`${formatEntry(e, colour)}\n`),
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${formatSummary(report.result, report.latency)}\n  output: ${report.out}\n`);
      if (!report.ok) process.exitCode = 1;
    });
}
