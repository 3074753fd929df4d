import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { mostDiverse } from '../../device/faces/diverse-samples.js';
import { ENROLL_MESSAGES } from '../../device/faces/enroll-in-view.js';
import { createFacesStage, type FacesStage } from '../../device/faces/index.js';
import type { FaceSampleInput, Memory, Person } from '../../memory/types.js';
import { strict, timerClock } from '../recall/fakes.js';
import { CENTER, face, fakeCamera, frame, LEFT, RIGHT, ScriptedAnalyzer, scriptedMatcher } from './stage-fakes.js';

/** The memory calls enrollment makes, recorded; anything else throws. */
class EnrollMemory {
  people: Person[] = [];
  samples: Array<FaceSampleInput & { id: number; personId: number }> = [];
  encounters: Array<{ personId: number; place?: string }> = [];
  notes: string[] = [];
  removed: number[] = [];
  ended: number[] = [];
  memory(): Memory {
    const addSamples = (personId: number, rows: FaceSampleInput[]) =>
      rows.map((r) => {
        const id = this.samples.length + 1;
        this.samples.push({ ...r, id, personId });
        return id;
      });
    return strict<Memory>('memory', {
      people: strict<Memory['people']>('people', {
        findByName: (name: string) => this.people.find((p) => p.name.toLowerCase() === name.toLowerCase()),
        get: (id: number) => this.people.find((p) => p.id === id),
        enroll: (input: Parameters<Memory['people']['enroll']>[0]) => {
          const person: Person = { id: this.people.length + 1, name: input.name, pronunciation: null, createdAt: 0, updatedAt: 0 };
          this.people.push(person);
          const sampleIds = addSamples(person.id, input.samples);
          this.encounters.push({ personId: person.id, place: input.encounter?.place });
          if (input.note) this.notes.push(input.note);
          return { person, sampleIds, encounterId: this.encounters.length, noteId: input.note ? this.notes.length : null };
        },
      }),
      faces: strict<Memory['faces']>('faces', {
        add: (personId: number, rows: FaceSampleInput[]) => addSamples(personId, rows),
        thumbnail: (personId: number) => this.samples.find((s) => s.personId === personId && s.thumbnail)?.thumbnail,
        forPerson: (personId: number) =>
          this.samples
            .filter((s) => s.personId === personId && !this.removed.includes(s.id))
            .map((s) => ({
              id: s.id,
              personId,
              modelId: s.modelId,
              dim: s.embedding.length,
              quality: s.quality,
              capturedAt: 0,
              hasThumbnail: !!s.thumbnail,
            })),
        embeddings: (personId: number) =>
          this.samples
            .filter((s) => s.personId === personId && !this.removed.includes(s.id))
            .map((s) => ({ sampleId: s.id, embedding: s.embedding })),
        remove: (ids: number[]) => {
          this.removed.push(...ids);
        },
      }),
      encounters: strict<Memory['encounters']>('encounters', {
        start: (personId: number, o: { place?: string }) => {
          this.encounters.push({ personId, place: o.place });
          return {
            id: this.encounters.length,
            personId,
            startedAt: 0,
            endedAt: null,
            place: o.place ?? null,
            context: null,
            source: 'face' as const,
          };
        },
        end: (id: number) => {
          this.ended.push(id);
          return { id } as never;
        },
      }),
      notes: strict<Memory['notes']>('notes', {
        add: (input: { text: string }) => {
          this.notes.push(input.text);
          return {} as never;
        },
      }),
    });
  }
}

let stage: FacesStage;
let analyzer: ScriptedAnalyzer;
let mem: EnrollMemory;
let matcher: ReturnType<typeof scriptedMatcher>;

async function build(maxSamples = 12) {
  const config = defaultConfig();
  config.faces.maxSamplesPerPerson = maxSamples;
  mem = new EnrollMemory();
  analyzer = new ScriptedAnalyzer();
  matcher = scriptedMatcher();
  const bus = new EventBus();
  stage = createFacesStage({ config, bus, memory: mem.memory(), analyzer, clock: timerClock, camera: fakeCamera(), matcher });
  bus.on('faces', 'memory-changed', () => matcher.invalidate?.());
}

async function play(...frames: Array<Array<ReturnType<typeof face>>>) {
  for (const faces of frames) {
    analyzer.queue(faces);
    vi.advanceTimersByTime(200);
    await stage.processFrame(frame(Date.now()));
  }
}

/** A stranger's varied embeddings (pose changes), far from persons 1 and 2. */
const strangerLook = (i: number) => [0.3 + 0.05 * Math.sin(i), 0.2 + 0.05 * Math.cos(i), 0.5 + (i % 3) * 0.1];

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('enrollFaceInView', () => {
  it('refuses with a speakable reason when no face is in view', async () => {
    await build();
    expect(await stage.enrollFaceInView('Tom', {})).toEqual({ ok: false, reason: 'no-face', message: ENROLL_MESSAGES['no-face'] });
    await play([], []);
    expect((await stage.enrollFaceInView('Tom', {})).ok).toBe(false);
    expect(mem.people).toEqual([]);
  });

  it('refuses when two faces are equally likely, and when the face is not clear enough', async () => {
    await build();
    await play([face(LEFT, strangerLook(1)), face(RIGHT, strangerLook(2))]);
    expect(await stage.enrollFaceInView('Tom', {})).toMatchObject({ ok: false, reason: 'ambiguous' });
    await build();
    await play([face(CENTER, null, { ok: false })]);
    expect(await stage.enrollFaceInView('Tom', {})).toMatchObject({ ok: false, reason: 'low-quality' });
    expect(mem.people).toEqual([]);
  });

  it('enrolls the most central, largest face: its best few samples, one thumbnail, an encounter and the note', async () => {
    await build();
    const small = { x: 10, y: 10, width: 40, height: 40 };
    await play(
      ...Array.from({ length: 8 }, (_, i) => [face(small, [0.1, 0.1, 0.1]), face(CENTER, strangerLook(i), { quality: 0.5 + i / 20 })]),
    );
    const out = await stage.enrollFaceInView('Tom', { note: 'runs the bakery', place: 'the market' });
    expect(out).toMatchObject({ ok: true, personId: 1, name: 'Tom', samples: 3, created: true, encounterId: 1 });
    expect(mem.samples).toHaveLength(3);
    expect(mem.samples.every((s) => s.modelId === 'fake-model' && s.embedding[2]! >= 0.5)).toBe(true);
    expect(mem.samples.filter((s) => s.thumbnail)).toHaveLength(1);
    expect(mem.encounters).toEqual([{ personId: 1, place: 'the market' }]);
    expect(mem.notes).toEqual(['runs the bakery']);
    // the enrolled track is now that person, without a recall event (the wearer just said the name)
    expect(stage.personInView()).toMatchObject({ personId: 1 });
    // stored vectors are copies: wiping the track does not touch them
    await play([], [], []);
    vi.advanceTimersByTime(60_000);
    expect(mem.samples.every((s) => s.embedding.some((v) => v !== 0))).toBe(true);
  });

  it('enrolls a face that just left the view (within the grace period) and closes its encounter at once', async () => {
    await build();
    await play(...Array.from({ length: 3 }, (_, i) => [face(CENTER, strangerLook(i))]), [], [], []);
    expect(stage.heldTracks()).toMatchObject({ live: 0, ended: 1 });
    const out = await stage.enrollFaceInView('Tom', {});
    expect(out).toMatchObject({ ok: true, created: true, encounterId: 1 });
    expect(mem.ended).toEqual([1]);
    vi.advanceTimersByTime(60_000); // grace over: nothing left to enroll from
    expect(await stage.enrollFaceInView('Tim', {})).toMatchObject({ ok: false, reason: 'no-face' });
  });

  it('ends the enrollment encounter when the enrolled face leaves the view', async () => {
    await build();
    await play(...Array.from({ length: 3 }, (_, i) => [face(CENTER, strangerLook(i))]));
    expect(await stage.enrollFaceInView('Tom', {})).toMatchObject({ ok: true, encounterId: 1 });
    expect(mem.ended).toEqual([]);
    await play([], [], []);
    expect(mem.ended).toEqual([1]);
  });

  it('re-enrolling adds samples to the same person, bounded, keeping the most diverse', async () => {
    await build(4);
    for (let round = 0; round < 3; round++) {
      await play(...Array.from({ length: 6 }, (_, i) => [face(CENTER, strangerLook(round * 6 + i))]));
      const out = await stage.enrollFaceInView('tom', { place: `visit ${round}` });
      expect(out).toMatchObject({ ok: true, personId: 1, created: round === 0 });
      await play([], [], []);
    }
    const kept = mem.samples.filter((s) => !mem.removed.includes(s.id));
    expect(mem.people).toHaveLength(1);
    expect(kept).toHaveLength(4);
    expect(mem.samples.filter((s) => s.thumbnail)).toHaveLength(1);
    expect(mem.encounters).toHaveLength(3);
  });
});

describe('most diverse samples', () => {
  it('keeps spread-out vectors over near-duplicates', () => {
    const v = (x: number, y: number) => Float32Array.from([x, y]);
    const items = [v(1, 0), v(0.99, 0.01), v(0.98, 0.02), v(0, 1), v(0.7, 0.7)].map((embedding, item) => ({ item, embedding }));
    const kept = mostDiverse(items, 3).sort();
    expect(kept).toContain(3);
    expect(kept.filter((i) => i <= 2)).toHaveLength(1);
  });
});
