import type { Command } from 'commander';
import { commandConfig } from '../cli-context.js';
import { Controller } from '../controller.js';
import { buildRuntime, defaultDeps } from '../runtime.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run mnemo on the configured hardware until SIGINT/SIGTERM')
    .action(async (_opts: unknown, cmd: Command) => {
      const config = commandConfig(cmd);
      const controller = new Controller(buildRuntime(config, defaultDeps(config)));
      await controller.start();
      await controller.untilSignal();
    });
}
