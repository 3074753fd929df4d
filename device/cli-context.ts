import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { configureLogging } from '../config/log.js';
import type { Config } from '../config/schema.js';

export interface GlobalOptions {
  config?: string;
  debug?: boolean;
}

/** Loads and validates the config named by the global `--config`, with per-command overrides, and sets up logging. */
export function commandConfig(cmd: Command, overrides: Record<string, unknown> = {}): Config {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  const config = loadConfig({ file: opts.config, overrides });
  configureLogging(opts.debug ? { ...config.log, level: 'debug' } : config.log);
  return config;
}

/** Prints a value as JSON (for `--json`) or as text. */
export function output(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** A fixed-width text table. */
export function table(rows: Array<Array<string | number>>, header: string[]): string {
  const all = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
