import type { Command } from 'commander';
import { commandConfig, type GlobalOptions } from '../cli-context.js';
import { Controller } from '../controller.js';
import { buildRuntime } from '../runtime.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run mnemo on the configured hardware until SIGINT/SIGTERM')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = commandConfig(cmd);
      const runtime = buildRuntime(config, { configFile: cmd.optsWithGlobals<GlobalOptions>().config });
      const controller = new Controller(runtime.parts);
      await controller.start();
      await controller.untilSignal();
    });
}
