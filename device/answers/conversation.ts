import type { IntentName, Slots } from '../intents/types.js';

/*
 * What the wearer and mnemo said last: a pending yes/no question (forget a
 * person; "did you mean ...?") that expires, and the last answer for "repeat that".
 */

export type PendingQuestion =
  | { kind: 'forget'; personId: number }
  | { kind: 'clarify'; intent: IntentName; slots: Slots; phrasing: string };

export type Pending = PendingQuestion & { expiresAt: number };

export interface SpokenAnswer {
  text: string;
  memoryIds: string[];
}

export class Conversation {
  private pending: Pending | undefined;
  private last: SpokenAnswer | undefined;

  constructor(private readonly confirmMs: number) {}

  ask(p: PendingQuestion, now: number): void {
    this.pending = { ...p, expiresAt: now + this.confirmMs };
  }

  /** The pending question and whether it is still open; clears it either way. */
  take(now: number): { pending: Pending; expired: boolean } | undefined {
    const p = this.pending;
    this.pending = undefined;
    return p ? { pending: p, expired: now > p.expiresAt } : undefined;
  }

  /** Anything other than yes/no drops the pending question. */
  clear(): void {
    this.pending = undefined;
  }

  hasPending(now: number): boolean {
    return this.pending !== undefined && now <= this.pending.expiresAt;
  }

  remember(answer: SpokenAnswer): void {
    if (answer.text) this.last = answer;
  }

  lastAnswer(): SpokenAnswer | undefined {
    return this.last;
  }
}
