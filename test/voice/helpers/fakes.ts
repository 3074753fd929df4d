import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Clock,
  EnrollOutcome,
  FacesInView,
  GroundedAnswer,
  PersonalModel,
  PhonePairing,
  Whisper,
  WhisperResult,
  WhisperSink,
} from '../../../device/contracts.js';
import { openMemory, type SqliteMemory } from '../../../memory/index.js';

/*
 * Fakes for the parts around the voice stage. Each one only does what the test
 * says it may; any other call throws, so a stage that reaches for something it
 * should not is caught.
 */

function unexpected(what: string): never {
  throw new Error(`unexpected call: ${what}`);
}

export class FakeClock implements Clock {
  constructor(
    public wall: number,
    private mono = 1000,
  ) {}
  now(): number {
    return this.wall;
  }
  monotonic(): number {
    return this.mono;
  }
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}

export interface FakeFacesOptions {
  inView?: () => { personId: number; trackId: string } | null;
  enroll?: (name: string, context: { note?: string; place?: string }) => Promise<EnrollOutcome>;
}

export class FakeFaces implements FacesInView {
  readonly enrollCalls: Array<{ name: string; context: { note?: string; place?: string } }> = [];
  constructor(private readonly opts: FakeFacesOptions) {}
  enrollFaceInView(name: string, context: { note?: string; place?: string }): Promise<EnrollOutcome> {
    if (!this.opts.enroll) unexpected('faces.enrollFaceInView');
    this.enrollCalls.push({ name, context });
    return this.opts.enroll(name, context);
  }
  personInView(): { personId: number; trackId: string } | null {
    if (!this.opts.inView) unexpected('faces.personInView');
    return this.opts.inView();
  }
}

/** Enrolls like the faces stage would: a person, one sample, an encounter and the note. */
export function enrollInto(memory: SqliteMemory): FakeFacesOptions['enroll'] {
  return async (name, context) => {
    const existing = memory.people.findByName(name);
    if (existing) return { ok: true, personId: existing.id, name: existing.name, samples: 1, encounterId: null, created: false };
    const embedding = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i + name.length));
    const r = memory.people.enroll({
      name,
      samples: [{ modelId: 'test-128', embedding, quality: 0.9 }],
      encounter: { source: 'voice', place: context.place },
      note: context.note,
      actor: 'voice',
    });
    return { ok: true, personId: r.person.id, name: r.person.name, samples: 1, encounterId: r.encounterId, created: true };
  };
}

export class FakePairing implements PhonePairing {
  revoked = 0;
  constructor(private readonly opts: { code?: string; phones?: number } = {}) {}
  startPairing(): { code: string; expiresAt: number } {
    if (!this.opts.code) unexpected('pairing.startPairing');
    return { code: this.opts.code, expiresAt: Date.now() + 60_000 };
  }
  revokeAll(): number {
    if (this.opts.phones === undefined) unexpected('pairing.revokeAll');
    this.revoked += this.opts.phones;
    return this.opts.phones;
  }
  fingerprint(): string {
    return unexpected('pairing.fingerprint');
  }
}

export class FakeWhisper implements WhisperSink {
  readonly said: Whisper[] = [];
  private vol: number;
  constructor(
    volume = 0.5,
    private readonly onSay?: (w: Whisper) => void,
  ) {
    this.vol = volume;
  }
  async say(whisper: Whisper): Promise<WhisperResult> {
    this.said.push(whisper);
    this.onSay?.(whisper);
    return { streamId: `s${this.said.length}`, outcome: 'played' };
  }
  isSpeaking(): boolean {
    return false;
  }
  lastText(): string | undefined {
    return this.said.at(-1)?.text;
  }
  setVolume(volume: number): void {
    this.vol = volume;
  }
  volume(): number {
    return this.vol;
  }
}

export class FakePersonalModel implements PersonalModel {
  readonly questions: string[] = [];
  constructor(private readonly reply: ((q: string) => GroundedAnswer | null) | undefined) {}
  available(): boolean {
    return this.reply !== undefined;
  }
  async answer(question: string): Promise<GroundedAnswer | null> {
    if (!this.reply) unexpected('personalModel.answer');
    this.questions.push(question);
    return this.reply(question);
  }
}

/** A real memory file in a temp folder, with the test people of the phrasing sets. */
export function testMemory(clock: Clock): { memory: SqliteMemory; dir: string; ids: Record<string, number>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-voice-'));
  const memory = openMemory({ path: join(dir, 'memory.db'), clock });
  const ids: Record<string, number> = {};
  for (const name of ['Ana Lima', 'Tom Baker', 'José Martínez', 'Zoë Kim', 'Bob']) ids[name] = memory.people.create(name).id;
  return {
    memory,
    dir,
    ids,
    cleanup: () => {
      memory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Local-time milliseconds, like the wearer's calendar. */
export function local(y: number, m: number, d: number, h = 12): number {
  return new Date(y, m - 1, d, h).getTime();
}
