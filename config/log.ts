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

/*
 * One root for the whole process, created on first use. Modules take their
 * namespace's logger at import time, before the config is read, so configuring
 * later swaps the destination behind the root and resets every namespace's level
 * in place rather than creating new loggers.
 */
let settings: LogConfig = { level: 'info', levels: {}, format: 'auto' };
let destination: NodeJS.WritableStream | undefined;
let root: Logger | undefined;
const children = new Map<string, Logger>();

function defaultDestination(cfg: LogConfig): NodeJS.WritableStream {
  const usePretty = cfg.format === 'pretty' || (cfg.format === 'auto' && process.stderr.isTTY === true);
  return usePretty
    ? pretty({ colorize: true, destination: 2, sync: true })
    : (pino.destination({ fd: 2, sync: true }) as unknown as NodeJS.WritableStream);
}

function getRoot(): Logger {
  if (!root) {
    destination ??= defaultDestination(settings);
    const forward = { write: (line: string) => (destination as NodeJS.WritableStream).write(line) };
    root = pino({ level: 'trace', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, forward);
  }
  return root;
}

/** Configure logging once at boot (tests may pass a destination to capture lines). */
export function configureLogging(cfg: LogConfig, dest?: NodeJS.WritableStream): void {
  settings = cfg;
  destination = dest ?? defaultDestination(cfg);
  for (const [ns, child] of children) child.level = levelFor(ns);
}

export function levelFor(namespace: string): string {
  return settings.levels[namespace] ?? settings.level;
}

/** The logger of a namespace, e.g. `logger('mnemo:faces')`. */
export function logger(namespace: string): Logger {
  let child = children.get(namespace);
  if (!child) {
    child = getRoot().child({ ns: namespace });
    child.level = levelFor(namespace);
    children.set(namespace, child);
  }
  return child;
}
