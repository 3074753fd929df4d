import { logger } from '../config/log.js';
import type { MnemoEventName, MnemoEvents } from './events.js';

type Listener<K extends MnemoEventName> = (payload: MnemoEvents[K]) => void | Promise<void>;

interface Registration {
  owner: string;
  event: MnemoEventName;
  listener: Listener<MnemoEventName>;
}

/**
 * The one typed event bus between stages (after zigbee2mqtt's eventBus). A listener
 * that throws or rejects is logged with the event and owner; the emitter never sees it.
 */
export class EventBus {
  private readonly registrations: Registration[] = [];
  private readonly log = logger('mnemo:bus');

  on<K extends MnemoEventName>(owner: string, event: K, listener: Listener<K>): void {
    this.registrations.push({ owner, event, listener: listener as Listener<MnemoEventName> });
  }

  /** Resolves with the next payload of an event (for tests, the demo and benchmarks). */
  once<K extends MnemoEventName>(owner: string, event: K, filter: (p: MnemoEvents[K]) => boolean = () => true): Promise<MnemoEvents[K]> {
    return new Promise((resolve) => {
      const reg: Registration = {
        owner,
        event,
        listener: ((p: MnemoEvents[K]) => {
          if (!filter(p)) return;
          this.remove(reg);
          resolve(p);
        }) as Listener<MnemoEventName>,
      };
      this.registrations.push(reg);
    });
  }

  emit<K extends MnemoEventName>(event: K, payload: MnemoEvents[K]): void {
    for (const reg of this.registrations.slice()) {
      if (reg.event !== event) continue;
      try {
        const result = reg.listener(payload);
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch((err: unknown) => this.report(reg, err));
        }
      } catch (err) {
        this.report(reg, err);
      }
    }
  }

  removeListeners(owner: string): void {
    for (let i = this.registrations.length - 1; i >= 0; i--) {
      if (this.registrations[i]?.owner === owner) this.registrations.splice(i, 1);
    }
  }

  listenerCount(event?: MnemoEventName): number {
    return this.registrations.filter((r) => event === undefined || r.event === event).length;
  }

  private remove(reg: Registration): void {
    const i = this.registrations.indexOf(reg);
    if (i >= 0) this.registrations.splice(i, 1);
  }

  private report(reg: Registration, err: unknown): void {
    // The error message may quote private content, so it goes at debug; the fact at error.
    this.log.error({ event: reg.event, owner: reg.owner, errorType: (err as Error)?.name }, 'listener failed');
    this.log.debug({ event: reg.event, owner: reg.owner, err }, 'listener failure detail');
  }
}
