import type { OpenWakeWord } from './open-wake-word.js';

/*
 * openWakeWord scores as the voice stage wants them: one number when the wake
 * word was just heard, else null. A detection re-arms only after the score has
 * fallen back below the threshold, so one "hey jarvis" (several 80 ms steps
 * above threshold) is one trigger.
 */
export class WakeTrigger {
  private armed = true;

  constructor(
    private readonly detector: OpenWakeWord,
    private readonly threshold: number,
  ) {}

  get model(): string {
    return this.detector.model;
  }

  async push(chunk: Int16Array): Promise<number | null> {
    let fired: number | null = null;
    for (const { score } of await this.detector.push(chunk)) {
      if (score >= this.threshold && this.armed) {
        this.armed = false;
        fired = Math.max(fired ?? 0, score);
      } else if (score < this.threshold) this.armed = true;
    }
    return fired;
  }

  reset(): void {
    this.armed = true;
    this.detector.reset();
  }
}
