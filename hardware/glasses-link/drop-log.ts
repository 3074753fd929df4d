import type { Logger } from '../../config/log.js';

/**
 * Logs dropped payloads with topic and reason, but at most `perMinute` per topic at
 * warn: a misbehaving (or hostile) device must not flood the log. The rest go to
 * debug; counts are kept by the caller.
 */
export class DropLog {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly log: Logger,
    private readonly perMinute = 10,
    private readonly now: () => number = Date.now,
  ) {}

  drop(topic: string, reason: string, bytes: number): void {
    const t = this.now();
    let w = this.windows.get(topic);
    if (!w || t - w.start > 60_000) {
      if (w && w.count > this.perMinute) this.log.warn({ topic, suppressed: w.count - this.perMinute }, 'more payloads dropped');
      w = { start: t, count: 0 };
      this.windows.set(topic, w);
    }
    w.count++;
    if (w.count <= this.perMinute) this.log.warn({ topic, reason, bytes }, 'dropped a malformed payload');
    else this.log.debug({ topic, reason, bytes }, 'dropped a malformed payload');
  }
}
