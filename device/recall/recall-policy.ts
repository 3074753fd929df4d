import { errorMessage } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { Memory } from '../../memory/types.js';
import type { EventBus } from '../bus.js';
import type { Clock, WhisperSink } from '../contracts.js';
import type { Part } from '../controller.js';
import { buildWhisper } from './whisper-text.js';

export interface RecallDeps {
  config: Config;
  bus: EventBus;
  memory: Memory;
  whisper: WhisperSink;
  clock: Clock;
}

/** One continuous sighting of a person: open while any of their tracks lives, or ended less than encounterGapSeconds ago. */
interface Sighting {
  encounterId: number | null;
  tracks: Set<string>;
  lastSeen: number;
  whispered: boolean;
}

const OWNER = 'recall';
/** `memory-changed` actions of the faces stage's enrollment (device/faces/faces-stage.ts). */
const ENROLL_ACTIONS = new Set(['enroll', 'add-samples']);
/** While held by a playing whisper (no event says when it ends), look again this often. */
const RECHECK_MS = 250;

/**
 * When a track becomes a known person, whisper who it is: once per continuous
 * encounter, never again within the cooldown, never over the wearer's own
 * speech or an answer, and at most one whisper every minGapSeconds overall.
 * Held whispers wait (newest sighting per person) and are dropped if the person
 * has left the view by the time they could be said.
 */
export class RecallPolicy implements Part {
  readonly name = 'recall';
  private readonly log = logger('mnemo:recall');
  private readonly sightings = new Map<number, Sighting>();
  private readonly trackPerson = new Map<string, number>();
  private readonly lastWhispered = new Map<number, number>();
  private readonly pending = new Map<number, { trackId: string }>();
  private lastAny = Number.NEGATIVE_INFINITY;
  private wearerBusySince: number | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RecallDeps) {}

  async start(): Promise<void> {
    const { bus } = this.deps;
    bus.on(OWNER, 'track-identified', (e) => this.identified(e.trackId, e.personId));
    bus.on(OWNER, 'track-lost', (e) => this.lost(e.trackId));
    bus.on(OWNER, 'listen-start', () => {
      this.wearerBusySince = this.deps.clock.now();
    });
    const release = () => {
      this.wearerBusySince = null;
      this.flush();
    };
    bus.on(OWNER, 'answer-end', release);
    bus.on(OWNER, 'stt-error', release);
    for (const ev of ['audio-played', 'audio-stopped', 'speech-error'] as const) bus.on(OWNER, ev, () => this.flush());
    // "This is Tom" (enrollment in view): the wearer just said the name; whispering it back is noise.
    bus.on(OWNER, 'memory-changed', (e) => {
      if (e.table !== 'people' || !ENROLL_ACTIONS.has(e.action)) return;
      for (const id of e.ids) if (typeof id === 'number') this.lastWhispered.set(id, this.deps.clock.now());
    });
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(OWNER);
    clearTimeout(this.timer);
    this.pending.clear();
    const now = this.deps.clock.now();
    for (const s of this.sightings.values()) this.closeEncounter(s, s.tracks.size ? now : s.lastSeen);
    this.sightings.clear();
    this.trackPerson.clear();
  }

  /** Is a whisper about anyone waiting (held or spaced out)? */
  waiting(): number {
    return this.pending.size;
  }

  private identified(trackId: string, personId: number): void {
    const now = this.deps.clock.now();
    const gapMs = this.deps.config.recall.encounterGapSeconds * 1000;
    this.trackPerson.set(trackId, personId);
    let s = this.sightings.get(personId);
    if (s && s.tracks.size === 0 && now - s.lastSeen > gapMs) {
      this.closeEncounter(s, s.lastSeen);
      s = undefined;
    }
    if (!s) {
      s = { encounterId: null, tracks: new Set(), lastSeen: now, whispered: false };
      this.sightings.set(personId, s);
    }
    s.tracks.add(trackId);
    s.lastSeen = now;
    const cooldownMs = this.deps.config.recall.cooldownSeconds * 1000;
    const last = this.lastWhispered.get(personId);
    const wanted = !s.whispered && (last === undefined || now - last >= cooldownMs);
    this.recordEncounter(personId, s, now);
    if (!wanted) {
      this.log.debug({ trackId, reason: s.whispered ? 'same encounter' : 'cooldown' }, 'recall skipped');
      return;
    }
    this.pending.set(personId, { trackId });
    this.flush();
  }

  private lost(trackId: string): void {
    const personId = this.trackPerson.get(trackId);
    this.trackPerson.delete(trackId);
    if (personId === undefined) return;
    const s = this.sightings.get(personId);
    if (!s) return;
    s.tracks.delete(trackId);
    s.lastSeen = this.deps.clock.now();
    if (s.tracks.size === 0 && s.encounterId !== null) this.extend(s.encounterId, s.lastSeen);
  }

  /** Says the oldest waiting whisper if nothing holds it; otherwise schedules another look. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const { recall } = this.deps.config;
    const now = this.deps.clock.now();
    if (this.wearerBusySince !== null && now - this.wearerBusySince > recall.maxHoldSeconds * 1000) this.wearerBusySince = null;
    const gapLeft = this.lastAny + recall.minGapSeconds * 1000 - now;
    const waitMs =
      this.wearerBusySince !== null
        ? recall.maxHoldSeconds * 1000 - (now - this.wearerBusySince)
        : this.deps.whisper.isSpeaking()
          ? RECHECK_MS
          : gapLeft;
    if (waitMs > 0) {
      this.later(waitMs);
      return;
    }
    for (const [personId, p] of this.pending) {
      this.pending.delete(personId);
      const s = this.sightings.get(personId);
      if (!s || s.tracks.size === 0 || s.whispered) continue; // left the view, or already told
      if (this.speak(personId, p.trackId, s, now)) break;
    }
    if (this.pending.size) this.later(recall.minGapSeconds * 1000);
  }

  private speak(personId: number, trackId: string, s: Sighting, now: number): boolean {
    const { memory, config, bus, whisper, clock } = this.deps;
    let built: ReturnType<typeof buildWhisper>;
    try {
      const profile = memory.profile.get();
      built = buildWhisper(memory, personId, {
        now,
        length: profile.length,
        maxWords: config.recall.maxWords,
        exclude: s.encounterId === null ? undefined : new Set([s.encounterId]),
        interests: [...profile.interests, ...profile.domains],
      });
    } catch (err) {
      this.log.warn({ reason: errorMessage(err) }, 'could not build a recall');
      return false;
    }
    if (!built) return false; // forgotten meanwhile
    s.whispered = true;
    this.lastWhispered.set(personId, now);
    this.lastAny = now;
    this.log.debug({ trackId, text: built.text }, 'recall');
    bus.emit('recall', { at: clock.monotonic(), personId, trackId, text: built.text, memoryIds: built.memoryIds });
    whisper.say({ text: built.text, priority: 'recall', memoryIds: built.memoryIds }).then(
      (r) => this.log.debug({ trackId, outcome: r.outcome }, 'recall whisper finished'),
      (err: unknown) => this.log.warn({ reason: errorMessage(err) }, 'recall whisper failed'),
    );
    return true;
  }

  private later(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), Math.max(1, ms));
  }

  private recordEncounter(personId: number, s: Sighting, now: number): void {
    try {
      if (s.encounterId === null) s.encounterId = this.deps.memory.encounters.start(personId, { source: 'face', at: now }).id;
      else this.extend(s.encounterId, now);
    } catch (err) {
      this.log.warn({ reason: errorMessage(err) }, 'could not record the encounter');
    }
  }

  private extend(encounterId: number, at: number): void {
    try {
      this.deps.memory.encounters.update(encounterId, { endedAt: at });
    } catch (err) {
      this.log.warn({ reason: errorMessage(err) }, 'could not extend the encounter');
    }
  }

  private closeEncounter(s: Sighting, at: number): void {
    if (s.encounterId !== null) this.extend(s.encounterId, at);
  }
}
