import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { FacesInView } from '../../device/contracts.js';
import { createPersonalModel } from '../../device/personal/factory.js';
import { splitSentences, summarise } from '../../device/personal/summary.js';
import type { SqliteMemory } from '../../memory/index.js';
import { addLocalModel } from '../../models/llm/local-folder.js';
import { ModelStore } from '../../models/store.js';
import { open, tempDir } from '../memory/helpers.js';
import { sentenceEmbedder } from './embedder.js';
import { type Fixture, seedFixture } from './fixture-memory.js';
import { writeRandomDecoder } from './random-decoder.js';
import { StubGenerator } from './stub-generator.js';

const tmp = tempDir('mnemo-summary-');
let memory: SqliteMemory;
let fx: Fixture;
let root: string;

beforeAll(() => {
  memory = open(tmp.file());
  fx = seedFixture(memory);
  root = mkdtempSync(join(tmpdir(), 'mnemo-llm-rt-'));
});
afterAll(() => {
  memory.close();
  tmp.cleanup();
  rmSync(root, { recursive: true, force: true });
});

const talk = [
  'We talked about the new drone frame she is building.',
  'The weather was nice today, sunny and warm.',
  'Her drone frame uses carbon fibre to save weight.',
  'She wants to test the drone frame at the field next week.',
  'I had coffee.',
];

/** A fake of the faces stage (the code around a device): who is in view is set by the test. */
function facesWith(view: { personId: number; trackId: string } | null): FacesInView & { set(v: typeof view): void } {
  let current = view;
  return {
    set: (v) => {
      current = v;
    },
    personInView: () => current,
    enrollFaceInView: () => {
      throw new Error('enrollFaceInView is not expected in this test');
    },
  };
}

describe('conversation summary', () => {
  it('splits transcripts into sentences worth keeping', () => {
    expect(splitSentences('Hi. We met at the fair today. Ok')).toEqual(['We met at the fair today.']);
  });

  it('by the LLM when present; extractive by embedding centrality otherwise', async () => {
    const llm = await summarise(talk, {
      generator: new StubGenerator(() => 'Ana is building a carbon drone frame.'),
      keep: 2,
      timeoutMs: 1000,
    });
    expect(llm).toEqual({ text: 'Ana is building a carbon drone frame.', via: 'llm' });
    const first = await summarise(talk, { keep: 2, timeoutMs: 1000 });
    expect(first.via).toBe('first');
    const embed = await sentenceEmbedder();
    const ex = await summarise(talk, { embed, keep: 2, timeoutMs: 1000 });
    expect(ex.via).toBe('extractive');
    // The central sentences are about the drone frame, not the weather.
    expect(ex.text).toContain('drone frame');
    expect(ex.text).not.toContain('weather');
  });

  it('is off by default; when on, keeps only a summary in the encounter of the person in view', async () => {
    const bus = new EventBus();
    const faces = facesWith({ personId: fx.people.ana as number, trackId: 't1' });
    const off = await createPersonalModel({ config: defaultConfig(), memory, models: new ModelStore(root), bus, generator: null });
    const partOff = off.capturePart(faces);
    await partOff.start(new AbortController().signal);
    expect(bus.listenerCount('stt-end')).toBe(0);
    await partOff.stop();

    const config: Config = { ...defaultConfig(), capture: { conversations: true, summarySentences: 2 } };
    const on = await createPersonalModel({
      config,
      memory,
      models: new ModelStore(root),
      bus,
      generator: new StubGenerator(() => 'Ana is building a carbon drone frame.'),
    });
    const part = on.capturePart(faces);
    await part.start(new AbortController().signal);
    for (const t of talk) bus.emit('stt-end', { at: 0, engine: 'test', transcript: t, confidence: 1 });
    faces.set(null);
    bus.emit('stt-end', { at: 0, engine: 'test', transcript: 'A bystander said something private here.', confidence: 1 });
    bus.emit('track-lost', { at: 0, trackId: 't1' });
    await new Promise((r) => setTimeout(r, 20));
    const enc = memory.encounters.get(Number(fx.ids['ana.met']?.split(':')[1]));
    expect(enc?.context).toBe('talked about drone batteries. Talked about: Ana is building a carbon drone frame.');
    const all = JSON.stringify(memory.export());
    expect(all).not.toContain('bystander');
    expect(all).not.toContain('weather');
    await part.stop();
  });
});

describe('the runtime path on a random-weight model folder', () => {
  it('answers through the worker, emits the llm events, and falls back when ungrounded', async () => {
    const dir = join(root, 'personal-tiny');
    writeRandomDecoder(dir);
    const store = new ModelStore(join(root, 'models'));
    const { entry } = await addLocalModel(store, dir);
    const config: Config = { ...defaultConfig(), llm: { ...defaultConfig().llm, model: entry.id, maxNewTokens: 12, timeoutMs: 30_000 } };
    const bus = new EventBus();
    const seen: string[] = [];
    for (const e of ['llm-prompt', 'llm-start', 'llm-token', 'llm-end'] as const) bus.on('test', e, () => void seen.push(e));
    const pm = await createPersonalModel({ config, memory, models: store, bus });
    try {
      expect(pm.available()).toBe(true);
      expect(pm.status()).toEqual({ available: true, model: entry.id });
      const answer = await pm.answer('Where did I meet Ana?', {});
      // Random weights produce text with no citations: the grounding check must refuse it.
      expect(answer).toBeNull();
      expect(pm.model.lastTrace?.raw.length).toBeGreaterThan(0);
      expect(pm.model.lastTrace?.grounding.ok).toBe(false);
      expect(seen[0]).toBe('llm-prompt');
      expect(seen).toContain('llm-token');
      expect(seen.at(-1)).toBe('llm-end');
    } finally {
      await pm.dispose();
    }
  });

  it('as a runtime part: loads and back-fills sentence vectors in the background, stops cleanly', async () => {
    const store = new ModelStore(join(root, 'models'));
    const config: Config = { ...defaultConfig(), llm: { ...defaultConfig().llm, model: 'local-personal-tiny', timeoutMs: 30_000 } };
    const embed = await sentenceEmbedder();
    memory.notes.add({ personId: fx.people.hugo as number, text: 'Lent me a ladder in August.' });
    expect(memory.textVectors.missing('use-lite-512').length).toBeGreaterThan(0);
    const pm = await createPersonalModel({ config, memory, models: store, bus: new EventBus(), embed });
    const part = pm.part();
    await part.start(new AbortController().signal);
    for (let i = 0; i < 600 && memory.textVectors.missing('use-lite-512').length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(memory.textVectors.missing('use-lite-512')).toEqual([]);
    await part.stop();
  });
});
