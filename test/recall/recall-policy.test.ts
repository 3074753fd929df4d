import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { MnemoEvents } from '../../device/events.js';
import { createRecallPolicy, type RecallPolicy } from '../../device/recall/index.js';
import { FakeRecallMemory, RecordingWhisper, timerClock } from './fakes.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);

let bus: EventBus;
let mem: FakeRecallMemory;
let whisper: RecordingWhisper;
let policy: RecallPolicy;
let recalls: Array<MnemoEvents['recall']>;

async function setup(recall: Partial<ReturnType<typeof defaultConfig>['recall']> = {}) {
  const config = defaultConfig();
  Object.assign(config.recall, recall);
  bus = new EventBus();
  mem = new FakeRecallMemory(timerClock);
  mem.addPerson(1, 'Ana Lima');
  mem.addPerson(2, 'Bob Stone');
  mem.encounters.push({
    id: 100,
    personId: 1,
    startedAt: T0 - 3 * DAY,
    endedAt: null,
    place: 'the robotics meetup',
    context: null,
    source: 'face',
  });
  mem.notes.push({ id: 7, personId: 1, text: 'Works on drones', utteranceId: null, createdAt: T0 - 3 * DAY });
  whisper = new RecordingWhisper();
  policy = createRecallPolicy({ config, bus, memory: mem.asMemory(), whisper, clock: timerClock });
  recalls = [];
  bus.on('test', 'recall', (e) => {
    recalls.push(e);
  });
  await policy.start();
}

const seen = (trackId: string, personId: number) =>
  bus.emit('track-identified', { at: Date.now(), trackId, personId, similarity: 0.95, margin: 0.05, frameAt: Date.now() });
const gone = (trackId: string) => bus.emit('track-lost', { at: Date.now(), trackId });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(async () => {
  await policy.stop();
  vi.useRealTimers();
});

describe('recall policy', () => {
  it('whispers name, last encounter (place, how long ago) and the note, and records an encounter', async () => {
    await setup();
    seen('t1', 1);
    expect(whisper.said).toEqual([
      {
        text: 'Ana Lima. Last met at the robotics meetup, 3 days ago. Works on drones.',
        priority: 'recall',
        memoryIds: ['person:1', 'encounter:100', 'note:7'],
      },
    ]);
    expect(recalls).toMatchObject([{ personId: 1, trackId: 't1', text: whisper.said[0]!.text }]);
    const opened = mem.encounters.find((e) => e.id !== 100);
    expect(opened).toMatchObject({ personId: 1, source: 'face', startedAt: T0 });
    vi.advanceTimersByTime(30_000);
    gone('t1');
    expect(opened!.endedAt).toBe(T0 + 30_000);
    // stopping later does not stretch an encounter that already ended
    vi.advanceTimersByTime(60_000);
    await policy.stop();
    expect(opened!.endedAt).toBe(T0 + 30_000);
  });

  it('never whispers the same person twice within the cooldown', async () => {
    await setup({ cooldownSeconds: 600, encounterGapSeconds: 60 });
    seen('t1', 1);
    gone('t1');
    vi.advanceTimersByTime(5 * 60_000); // a new encounter, but inside the cooldown
    seen('t2', 1);
    expect(whisper.said).toHaveLength(1);
    gone('t2');
    vi.advanceTimersByTime(6 * 60_000);
    seen('t3', 1);
    expect(whisper.said).toHaveLength(2);
    // the second whisper cites the previous sighting, not the encounter this one opened
    expect(whisper.said[1]!.text).toMatch(/Last met 6 minutes ago/);
  });

  it('whispers once per continuous encounter even with no cooldown, and again after the person was away', async () => {
    await setup({ cooldownSeconds: 0, encounterGapSeconds: 120 });
    seen('t1', 1);
    gone('t1'); // turned away for a moment
    vi.advanceTimersByTime(30_000);
    seen('t2', 1);
    seen('t2', 1);
    expect(whisper.said).toHaveLength(1);
    expect(mem.encounters).toHaveLength(2); // the old one and one continuous new one, extended
    gone('t2');
    vi.advanceTimersByTime(121_000);
    seen('t3', 1);
    expect(whisper.said).toHaveLength(2);
    expect(mem.encounters).toHaveLength(3);
  });

  it('holds a recall while the wearer is speaking and says it after the answer', async () => {
    await setup();
    bus.emit('listen-start', { at: Date.now(), trigger: 'button' });
    seen('t1', 1);
    vi.advanceTimersByTime(10_000);
    expect(whisper.said).toHaveLength(0);
    bus.emit('answer-end', { at: Date.now(), text: 'x', memoryIds: [], via: 'rules' });
    expect(whisper.said).toHaveLength(1);
  });

  it('holds while a whisper is playing and drops the recall if the person left meanwhile', async () => {
    await setup();
    whisper.speaking = true;
    seen('t1', 1);
    seen('t2', 2);
    vi.advanceTimersByTime(2_000);
    expect(whisper.said).toHaveLength(0);
    gone('t1');
    whisper.speaking = false;
    vi.advanceTimersByTime(300);
    expect(whisper.said.map((w) => w.memoryIds?.[0])).toEqual(['person:2']);
  });

  it('says at most one whisper every minGapSeconds', async () => {
    await setup({ minGapSeconds: 4 });
    seen('t1', 1);
    seen('t2', 2);
    expect(whisper.said).toHaveLength(1);
    vi.advanceTimersByTime(3_900);
    expect(whisper.said).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(whisper.said.map((w) => w.text)).toEqual([expect.stringMatching(/^Ana Lima\./), 'Bob Stone.']);
  });

  it("keeps to the wearer's length preference", async () => {
    await setup({ maxWords: 12 });
    mem.profile.length = 'short';
    seen('t1', 1);
    // short = half of maxWords (6): the 8-word encounter sentence does not fit, the note does
    expect(whisper.said[0]!.text).toBe('Ana Lima. Works on drones.');
    mem.profile.length = 'detailed';
    mem.notes.push({
      id: 8,
      personId: 2,
      text: 'Runs the bakery on Elm Street and bakes sourdough every morning before dawn',
      utteranceId: null,
      createdAt: T0,
    });
    vi.advanceTimersByTime(5_000);
    seen('t2', 2);
    expect(whisper.said[1]!.text).toBe('Bob Stone. Runs the bakery on Elm Street and bakes sourdough every morning before dawn.');
    for (const w of whisper.said) expect(w.text.split(' ').length).toBeLessThanOrEqual(24);
  });

  it('says nothing about a person forgotten before the whisper could be said', async () => {
    await setup();
    bus.emit('listen-start', { at: Date.now(), trigger: 'button' });
    seen('t1', 1);
    mem.people.delete(1);
    bus.emit('answer-end', { at: Date.now(), text: 'x', memoryIds: [], via: 'rules' });
    expect(whisper.said).toHaveLength(0);
  });

  it('does not whisper a person the wearer just enrolled ("this is Ana") until the cooldown has passed', async () => {
    await setup({ cooldownSeconds: 600 });
    bus.emit('memory-changed', { at: Date.now(), table: 'people', action: 'enroll', ids: [1] });
    bus.emit('memory-changed', { at: Date.now(), table: 'people', action: 'rename', ids: [2] });
    seen('t1', 1);
    seen('t2', 2);
    expect(whisper.said.map((w) => w.memoryIds?.[0])).toEqual(['person:2']);
    gone('t1');
    vi.advanceTimersByTime(601_000);
    seen('t3', 1);
    expect(whisper.said.map((w) => w.memoryIds?.[0])).toEqual(['person:2', 'person:1']);
  });
});
