import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { errorMessage, MnemoError } from '../config/errors.js';
import { registerAsk } from './commands/ask.js';
import { registerBench } from './commands/bench.js';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerFaces } from './commands/faces.js';
import { registerGlasses } from './commands/glasses.js';
import { registerListen } from './commands/listen.js';
import { registerMemory } from './commands/memory.js';
import { registerModels } from './commands/models.js';
import { registerPersonal } from './commands/personal.js';
import { registerSay } from './commands/say.js';
import { registerStart } from './commands/start.js';

/** package.json is one level up in development (device/) and two in the build (dist/device/). */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export function buildProgram(): Command {
  const program = new Command('mnemo')
    .description('a local-first memory for smart glasses')
    .version(packageVersion())
    .option('-c, --config <file>', 'config file (YAML or JSON; default ./mnemo.yaml if present)')
    .option('--debug', 'debug logging and stack traces')
    .showHelpAfterError()
    .exitOverride();
  registerStart(program);
  registerDemo(program);
  registerConfig(program);
  registerModels(program);
  registerMemory(program);
  registerFaces(program);
  registerPersonal(program);
  registerAsk(program);
  registerListen(program);
  registerSay(program);
  registerGlasses(program);
  registerBench(program);
  return program;
}

/** Prints code, message and fix (a stack only with --debug); returns the exit code. */
export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) return err.exitCode;
  if (err instanceof MnemoError) {
    process.stderr.write(`mnemo: ${err.code}: ${err.message}\n`);
    if (err.fix) process.stderr.write(`  fix: ${err.fix}\n`);
  } else {
    process.stderr.write(`mnemo: unexpected error: ${errorMessage(err)}\n`);
  }
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 1;
}
