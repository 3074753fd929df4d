import { errorMessage, MnemoError } from '../config/errors.js';
import { logger } from '../config/log.js';

/** Anything the controller starts and stops: a broker, a camera, a stage, a server. */
export interface Part {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts parts in order and stops them in reverse (after zigbee2mqtt's controller).
 * Constructors only assign; all work happens in start(). If a part fails to start,
 * what had started is stopped and the error names the part.
 */
export class Controller {
  private readonly started: Part[] = [];
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;
  private readonly log = logger('mnemo:controller');

  constructor(private readonly parts: Part[]) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async start(): Promise<void> {
    for (const part of this.parts) {
      if (this.abort.signal.aborted) break;
      try {
        this.log.debug({ part: part.name }, 'starting');
        await part.start(this.abort.signal);
        this.started.push(part);
        this.log.info({ part: part.name }, 'started');
      } catch (cause) {
        this.log.error({ part: part.name, reason: errorMessage(cause) }, 'failed to start');
        await this.stop();
        const inner = cause instanceof MnemoError ? cause : undefined;
        throw new MnemoError('part-start-failed', `${part.name} failed to start: ${errorMessage(cause)}`, {
          cause,
          fix: inner?.fix,
          details: { part: part.name, code: inner?.code },
        });
      }
    }
  }

  /** Stops every started part in reverse order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      while (this.started.length) {
        const part = this.started.pop() as Part;
        try {
          await part.stop();
          this.log.info({ part: part.name }, 'stopped');
        } catch (err) {
          this.log.error({ part: part.name, reason: errorMessage(err) }, 'failed to stop');
        }
      }
    })();
    return this.stopping;
  }

  /** Stop on SIGINT/SIGTERM (or when stopped otherwise); resolves with the reason once stopped. */
  untilSignal(proc: NodeJS.EventEmitter = process): Promise<string> {
    return new Promise((resolve) => {
      let reason: string | undefined;
      const finish = (why: string) => {
        if (reason) return;
        reason = why;
        proc.off('SIGINT', onInt);
        proc.off('SIGTERM', onTerm);
        void this.stop().then(() => resolve(why));
      };
      const onInt = () => finish('SIGINT');
      const onTerm = () => finish('SIGTERM');
      proc.once('SIGINT', onInt);
      proc.once('SIGTERM', onTerm);
      this.abort.signal.addEventListener('abort', () => finish('stopped'));
    });
  }
}

/** A part made of two functions, for small things that need no class. */
export function part(
  name: string,
  start: (signal: AbortSignal) => Promise<void> | void,
  stop: () => Promise<void> | void = () => {},
): Part {
  return { name, start: async (s) => start(s), stop: async () => stop() };
}
