import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the scripted demo scenario, end to end (what `npm start` runs)')
    .option('--scenario <file>', 'scenario file')
    .option('--out <dir>', 'output folder', './demo-out')
    .option('--memory <path>', 'keep the memory database at this path')
    .action(() => {
      throw new MnemoError(
        'not-implemented',
        'the demo scenario is not built yet: it needs face recall, the glasses link and voice questions',
        {
          fix: 'meanwhile try `mnemo models pull`, `mnemo models list` and `mnemo config check`',
        },
      );
    });
}
