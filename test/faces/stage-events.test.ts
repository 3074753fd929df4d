import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { MnemoEventName, MnemoEvents } from '../../device/events.js';
import { createFacesStage, type FacesStage } from '../../device/faces/index.js';
import { createRecallPolicy } from '../../device/recall/index.js';
import type { Memory } from '../../memory/types.js';
import { FakeRecallMemory, RecordingWhisper, strict, timerClock } from '../recall/fakes.js';
import { CENTER, face, fakeCamera, frame, LEFT, RIGHT, ScriptedAnalyzer, ScriptedCamera, scriptedMatcher } from './stage-fakes.js';

const A = [0.96, 0.8];
const B = [0.8, 0.96];
const BOTH = [0.95, 0.94];

let bus: EventBus;
let analyzer: ScriptedAnalyzer;
let stage: FacesStage;
let events: Array<{ name: MnemoEventName; payload: MnemoEvents[MnemoEventName] }>;

function build(memory: Memory = strict<Memory>('memory', {})) {
  const config = defaultConfig();
  config.faces.framesToDecide = 2;
  config.faces.strangerGraceSeconds = 10;
  bus = new EventBus();
  analyzer = new ScriptedAnalyzer();
  events = [];
  for (const name of ['frame', 'faces-start', 'faces-end', 'track-new', 'track-identified', 'track-lost', 'recall'] as const) {
    bus.on('test', name, (payload) => {
      events.push({ name, payload });
    });
  }
  stage = createFacesStage({ config, bus, memory, analyzer, clock: timerClock, camera: fakeCamera(), matcher: scriptedMatcher() });
  return config;
}

const names = () => events.map((e) => e.name);
const of = <K extends MnemoEventName>(k: K) => events.filter((e) => e.name === k).map((e) => e.payload as MnemoEvents[K]);

async function play(...frames: Array<Array<ReturnType<typeof face>>>) {
  for (const faces of frames) {
    analyzer.queue(faces);
    vi.advanceTimersByTime(200);
    await stage.processFrame(frame(Date.now()));
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe('faces stage events', () => {
  it('emits frame, faces-start/end with per-step durations, track-new, track-identified (once, with frameAt) and track-lost', async () => {
    build();
    await play([face(CENTER, A)], [face(CENTER, A)], [face(CENTER, A)], [], [], []);
    expect(names().slice(0, 4)).toEqual(['frame', 'faces-start', 'track-new', 'faces-end']);
    expect(of('frame')[0]).toMatchObject({ width: 640, height: 480, dropped: 2 });
    expect(Object.keys(of('faces-end')[0]!.steps).sort()).toEqual(['decode', 'detect', 'embed', 'landmarks', 'match', 'track']);
    expect(of('faces-end').map((e) => e.faces)).toEqual([1, 1, 1, 0, 0, 0]);
    const identified = of('track-identified');
    expect(identified).toHaveLength(1);
    // decided on the second frame: frameAt is that frame's capture time
    expect(identified[0]).toMatchObject({ personId: 1, trackId: of('track-new')[0]!.trackId, frameAt: of('frame')[1]!.at });
    expect(of('track-lost').map((e) => e.trackId)).toEqual([identified[0]!.trackId]);
  });

  it('keeps ambiguous tracks and a track flickering between two people silent, through the recall policy', async () => {
    const config = build();
    const mem = new FakeRecallMemory(timerClock);
    mem.addPerson(1, 'Ana');
    mem.addPerson(2, 'Bob');
    const whisper = new RecordingWhisper();
    const recall = createRecallPolicy({ config, bus, memory: mem.asMemory(), whisper, clock: timerClock });
    await recall.start();
    await play(...Array.from({ length: 8 }, (_, i) => [face(LEFT, i % 2 ? A : B), face(RIGHT, BOTH)]));
    expect(of('track-new')).toHaveLength(2);
    expect(of('track-identified')).toEqual([]);
    expect(of('recall')).toEqual([]);
    expect(whisper.said).toEqual([]);
    expect(stage.personInView()).toBeNull();
    await recall.stop();
  });

  it('tells who is in view only when exactly one person is clear', async () => {
    build();
    await play([face(LEFT, A), face(RIGHT, [0.5, 0.5])], [face(LEFT, A), face(RIGHT, [0.5, 0.5])]);
    const id = of('track-identified')[0]!;
    expect(stage.personInView()).toEqual({ personId: 1, trackId: id.trackId });
    await play([face(LEFT, A), face(RIGHT, B)], [face(LEFT, A), face(RIGHT, B)]);
    expect(of('track-identified')).toHaveLength(2);
    expect(stage.personInView()).toBeNull(); // two people: not one clear
  });

  it("holds a stranger's embeddings only for the track's life plus the grace period, then zeroes them", async () => {
    build();
    const stranger = face(CENTER, [0.4, 0.3]);
    const held = stranger.embedding!;
    await play([stranger], [face(CENTER, [0.41, 0.3])]);
    expect(stage.heldTracks()).toMatchObject({ live: 1, embeddings: 2 });
    await play([], [], []);
    expect(stage.heldTracks()).toMatchObject({ live: 0, ended: 1, embeddings: 2 });
    vi.advanceTimersByTime(9_000);
    expect(stage.heldTracks().embeddings).toBe(2);
    vi.advanceTimersByTime(1_500);
    expect(stage.heldTracks()).toEqual({ live: 0, ended: 0, embeddings: 0 });
    expect(held.every((v) => v === 0)).toBe(true);
  });

  it('reports a failed analysis as faces-error and goes on with the next frame', async () => {
    build();
    const errors: string[] = [];
    bus.on('test', 'faces-error', (e) => {
      errors.push(e.error);
    });
    await stage.processFrame(frame(Date.now())); // nothing scripted: the fake analyzer throws
    await play([face(CENTER, A)]);
    expect(errors).toEqual(['fake analyzer: no frame scripted']);
    expect(of('track-new')).toHaveLength(1);
  });

  it('ends tracks when frames stop coming (camera dead or replay over) and forwards camera-unavailable', async () => {
    const config = defaultConfig();
    config.faces.strangerGraceSeconds = 5;
    const bus = new EventBus();
    const analyzer = new ScriptedAnalyzer();
    analyzer.queue([face(CENTER, [0.4, 0.3])], [face(CENTER, [0.4, 0.3])]);
    const camera = new ScriptedCamera([frame(Date.now()), frame(Date.now())]);
    const seen: string[] = [];
    bus.on('test', 'track-lost', () => {
      seen.push('lost');
    });
    bus.on('test', 'camera-unavailable', (e) => {
      seen.push(`unavailable: ${e.reason}`);
    });
    const stage = createFacesStage({
      config,
      bus,
      memory: strict<Memory>('memory', {}),
      analyzer,
      clock: timerClock,
      camera,
      matcher: scriptedMatcher(),
    });
    await stage.start(new AbortController().signal);
    await stage.finished();
    expect(stage.heldTracks()).toMatchObject({ live: 1 });
    camera.die('cable pulled');
    vi.advanceTimersByTime(2_000); // past the tracker's maxMissedMs: the sweep ends the track
    expect(seen).toEqual(['unavailable: cable pulled', 'lost']);
    expect(stage.heldTracks()).toMatchObject({ live: 0, ended: 1 });
    vi.advanceTimersByTime(5_000);
    expect(stage.heldTracks()).toEqual({ live: 0, ended: 0, embeddings: 0 });
    await stage.stop();
  });
});
