import type { Clock, Whisper, WhisperResult, WhisperSink } from '../../device/contracts.js';
import type { Encounter, Memory, Note, Person, Profile } from '../../memory/types.js';

/** An object whose every property not given throws when touched: a fake that fails loudly when misused. */
export function strict<T extends object>(name: string, impl: Partial<T>): T {
  return new Proxy(impl as T, {
    get(target, prop, receiver) {
      if (prop === 'then' || typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
      if (!(prop in target)) throw new Error(`fake ${name}: unexpected use of .${String(prop)}`);
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** A clock on the (possibly faked) global timers. */
export const timerClock: Clock = { now: () => Date.now(), monotonic: () => Date.now() };

/** The part of Memory the recall policy uses, in RAM. */
export class FakeRecallMemory {
  people = new Map<number, Person>();
  encounters: Encounter[] = [];
  notes: Note[] = [];
  profile: Profile = { name: null, language: 'en', interests: [], domains: [], length: 'normal', extra: {} };

  constructor(private readonly clock: Clock) {}

  addPerson(id: number, name: string): void {
    this.people.set(id, { id, name, pronunciation: null, createdAt: 0, updatedAt: 0 });
  }

  asMemory(): Memory {
    return strict<Memory>('memory', {
      people: strict<Memory['people']>('memory.people', { get: (id: number) => this.people.get(id) }),
      encounters: strict<Memory['encounters']>('memory.encounters', {
        forPerson: (id: number) => this.encounters.filter((e) => e.personId === id),
        start: (personId: number, o: { source: Encounter['source']; place?: string; at?: number }) => {
          const e: Encounter = {
            id: this.encounters.length + 1,
            personId,
            startedAt: o.at ?? this.clock.now(),
            endedAt: null,
            place: o.place ?? null,
            context: null,
            source: o.source,
          };
          this.encounters.push(e);
          return e;
        },
        update: (id: number, patch: { endedAt?: number }) => {
          const e = this.encounters.find((x) => x.id === id);
          if (!e) throw new Error(`no encounter ${id}`);
          if (patch.endedAt !== undefined) e.endedAt = patch.endedAt;
          return e;
        },
      }),
      notes: strict<Memory['notes']>('memory.notes', { forPerson: (id: number) => this.notes.filter((n) => n.personId === id) }),
      profile: strict<Memory['profile']>('memory.profile', { get: () => this.profile }),
    });
  }
}

/** A whisper sink that records what it was asked to say; `speaking` can be toggled by the test. */
export class RecordingWhisper implements WhisperSink {
  said: Whisper[] = [];
  speaking = false;
  say(w: Whisper): Promise<WhisperResult> {
    this.said.push(w);
    return Promise.resolve({ streamId: `s${this.said.length}`, outcome: 'played' });
  }
  isSpeaking(): boolean {
    return this.speaking;
  }
  lastText(): string | undefined {
    return this.said.at(-1)?.text;
  }
  setVolume(): void {
    throw new Error('fake whisper: unexpected setVolume');
  }
  volume(): number {
    throw new Error('fake whisper: unexpected volume');
  }
}
