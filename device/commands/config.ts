import type { Command } from 'commander';
import { exampleConfig } from '../../config/example.js';
import { loadConfig } from '../../config/load.js';
import { configJsonSchema } from '../../config/schema.js';
import { type GlobalOptions, output } from '../cli-context.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('validate a config file or print the JSON Schema');

  config
    .command('check [file]')
    .description('validate a config file (default: --config or ./mnemo.yaml) plus MNEMO_* overrides; lists every error by its path')
    .option('--json', 'print the resolved config as JSON')
    .action((file: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const resolved = loadConfig({ file: file ?? cmd.optsWithGlobals<GlobalOptions>().config });
      output(opts.json, resolved, () => 'config ok');
    });

  config
    .command('schema')
    .description('print the JSON Schema of the config (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });

  config
    .command('example')
    .description('print an example config with every setting, its default and its environment variable')
    .action(() => {
      process.stdout.write(exampleConfig());
    });
}
