import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './schema.js';

/*
 * One root pino logger, one child per namespace (`mnemo:faces`), each with its own
 * level. Logs go to stderr so `--json` output on stdout stays clean.
 * Private content (names, notes, transcripts, prompts) is only ever logged at
 * debug or below; see DESIGN.md's privacy rules.
 */

export type { Logger };

type LogConfig = Config['log'];

let root: Logger | undefined;
let settings: LogConfig = { level: 'info', levels: {}, format: 'auto' };
const children = new Map<string, Logger>();

function build(cfg: LogConfig, destination?: NodeJS.WritableStream): Logger {
  const usePretty = cfg.format === 'pretty' || (cfg.format === 'auto' && process.stderr.isTTY === true);
  const stream =
    destination ?? (usePretty ? pretty({ colorize: true, destination: 2, sync: true }) : pino.destination({ fd: 2, sync: true }));
  return pino({ level: 'trace', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream);
}

/** Configure logging once at boot (tests may pass a destination to capture lines). */
export function configureLogging(cfg: LogConfig, destination?: NodeJS.WritableStream): void {
  settings = cfg;
  root = build(cfg, destination);
  children.clear();
}

export function levelFor(namespace: string): string {
  return settings.levels[namespace] ?? settings.level;
}

/** The logger of a namespace, e.g. `logger('mnemo:faces')`. */
export function logger(namespace: string): Logger {
  let child = children.get(namespace);
  if (!child) {
    root ??= build(settings);
    child = root.child({ ns: namespace });
    child.level = levelFor(namespace);
    children.set(namespace, child);
  }
  return child;
}
