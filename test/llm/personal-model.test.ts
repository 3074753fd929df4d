import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configureLogging } from '../../config/log.js';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { MnemoEvents } from '../../device/events.js';
import { createPersonalModel, type PersonalModelService } from '../../device/personal/factory.js';
import { checkGrounding, stripCitations } from '../../device/personal/grounding.js';
import type { SqliteMemory } from '../../memory/index.js';
import { ModelStore } from '../../models/store.js';
import { open, tempDir } from '../memory/helpers.js';
import { type Fixture, seedFixture } from './fixture-memory.js';
import { StubGenerator } from './stub-generator.js';

/*
 * The personal model around a scripted generator (StubGenerator, a test double of
 * the generator only): real memory, real retrieval, real prompt, real grounding.
 */

const tmp = tempDir('mnemo-personal-');
let memory: SqliteMemory;
let fx: Fixture;
let reply = '';
const stub = new StubGenerator(() => reply);
const bus = new EventBus();
let pm: PersonalModelService;
const logged: string[] = [];

beforeAll(async () => {
  const sink = new PassThrough();
  sink.on('data', (b: Buffer) => logged.push(b.toString()));
  configureLogging({ level: 'info', levels: {}, format: 'json' }, sink);
  memory = open(tmp.file());
  fx = seedFixture(memory);
  pm = await createPersonalModel({ config: defaultConfig(), memory, models: new ModelStore(tmp.dir), bus, generator: stub });
});
afterAll(async () => {
  await pm.dispose();
  memory.close();
  tmp.cleanup();
});
beforeEach(() => {
  logged.length = 0;
});

function events<K extends keyof MnemoEvents>(name: K): MnemoEvents[K][] {
  const out: MnemoEvents[K][] = [];
  bus.on('test', name, (e) => void out.push(e));
  return out;
}

describe('grounded answers', () => {
  it('passes an answer citing the memory it was given, without the citation in the spoken text', async () => {
    const prompts = events('llm-prompt');
    const tokens = events('llm-token');
    const ends = events('llm-end');
    reply = `Ana works on drones at Skyworks [${fx.ids['ana.drones']}].`;
    const a = await pm.answer('What does Ana work on?', {});
    expect(a).toEqual({ text: 'Ana works on drones at Skyworks.', memoryIds: [fx.ids['ana.drones']], via: 'llm:stub-generator' });
    // The prompt went on the bus with the ids it offered, built with the model's own chat roles.
    expect(prompts).toHaveLength(1);
    expect(prompts[0]?.memoryIds).toContain(fx.ids['ana.drones']);
    expect(prompts[0]?.prompt).toContain(`[${fx.ids['ana.drones']}] Ana Lima: Works on drones at Skyworks.`);
    expect(prompts[0]?.prompt).toContain('Question: What does Ana work on?');
    expect(stub.prompts.at(-1)?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(tokens.length).toBeGreaterThan(1);
    expect(ends[0]?.grounded).toBe(true);
    // Private content never reaches the log at info.
    const log = logged.join('');
    for (const secret of ['Skyworks', 'Ana', 'drones', 'What does']) expect(log).not.toContain(secret);
    bus.removeListeners('test');
  });

  it('rejects an answer naming someone who is not in memory', async () => {
    const ends = events('llm-end');
    reply = `Ana met Roberto at Skyworks [${fx.ids['ana.drones']}].`;
    expect(await pm.answer('What does Ana work on?', {})).toBeNull();
    expect(ends[0]?.grounded).toBe(false);
    expect(pm.model.lastTrace?.grounding).toMatchObject({ ok: false, reason: 'unknown-name', detail: 'Roberto' });
    expect(logged.join('')).not.toContain('Roberto');
    bus.removeListeners('test');
  });

  it('rejects an answer naming a known person none of its citations is about', async () => {
    reply = `Bob Stone works on drones [${fx.ids['ana.drones']}].`;
    expect(await pm.answer('What does Ana work on?', {})).toBeNull();
    expect(pm.model.lastTrace?.grounding).toMatchObject({ ok: false, reason: 'uncited-name' });
  });

  it('rejects unknown ids, ids it was not offered, and answers citing nothing', async () => {
    reply = 'Ana works on drones [note:9999].';
    expect(await pm.answer('What does Ana work on?', {})).toBeNull();
    expect(pm.model.lastTrace?.grounding).toMatchObject({ ok: false, reason: 'unknown-id' });
    reply = `Ana works on drones [${fx.ids['hugo.trumpet']}].`;
    expect(await pm.answer('What does Ana work on?', {})).toBeNull();
    expect(pm.model.lastTrace?.grounding).toMatchObject({ ok: false, reason: 'not-offered' });
    reply = 'Ana works on drones.';
    expect(await pm.answer('What does Ana work on?', {})).toBeNull();
    expect(pm.model.lastTrace?.grounding).toMatchObject({ ok: false, reason: 'no-citation' });
  });

  it('accepts "I don\'t know" and the person in view', async () => {
    reply = "I don't know that yet.";
    expect(await pm.answer('What is the capital of Peru?', {})).toEqual({
      text: "I don't know that yet.",
      memoryIds: [],
      via: 'llm:stub-generator',
    });
    reply = `She loves rock climbing at weekends [${fx.ids['ana.climbing']}].`;
    const a = await pm.answer('What does she like to do at weekends?', { personInView: fx.people.ana });
    expect(a?.memoryIds).toEqual([fx.ids['ana.climbing']]);
    expect(stub.prompts.at(-1)?.[1]?.content).toContain(`In view now: Ana Lima [person:${fx.people.ana}]`);
  });

  it('a failing generator gives null (template answer) and an llm-error event', async () => {
    const errors = events('llm-error');
    const failing = await createPersonalModel({
      config: defaultConfig(),
      memory,
      models: new ModelStore(tmp.dir),
      bus,
      generator: {
        modelId: 'broken',
        generate: () => Promise.reject(Object.assign(new Error('boom'), { code: 'x' })),
      },
    });
    expect(await failing.answer('Where did I meet Ana?', {})).toBeNull();
    expect(errors[0]?.error).toBe('llm-failed');
    bus.removeListeners('test');
  });

  it('without a model folder: not available, and says what is missing and the command', async () => {
    const none = await createPersonalModel({ config: defaultConfig(), memory, models: new ModelStore(tmp.dir), bus });
    expect(none.available()).toBe(false);
    expect(await none.answer('Where did I meet Ana?', {})).toBeNull();
    const st = none.status();
    expect(st.available).toBe(false);
    if (st.available) return;
    expect(st.message).toContain('smollm2-135m-instruct');
    expect(st.fix).toContain('mnemo models pull smollm2-135m-instruct --trust-unpinned');
    expect(logged.join('')).toContain('personal model not available');
  });

  it('grounding helpers', () => {
    expect(stripCitations('Met at the meetup [encounter:3] , then [note:2].')).toBe('Met at the meetup, then.');
    const r = checkGrounding({ answer: '  ', memory, evidence: [], offeredIds: [], question: 'q', wearerName: null });
    expect(r).toMatchObject({ ok: false, reason: 'empty' });
  });
});
