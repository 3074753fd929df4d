import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { createPersonalModel, type PersonalModelService } from '../../device/personal/factory.js';
import { classifyFeedback, resolvePronoun } from '../../device/personal/feedback.js';
import { buildProgram } from '../../device/program.js';
import type { SqliteMemory } from '../../memory/index.js';
import { ModelStore } from '../../models/store.js';
import { open, tempDir } from '../memory/helpers.js';
import { type Fixture, seedFixture } from './fixture-memory.js';
import { StubGenerator } from './stub-generator.js';

/* The personalisation loop and the fine-tuning export, on a real memory file. */

const tmp = tempDir('mnemo-personalise-');
let memory: SqliteMemory;
let fx: Fixture;
let reply = '';
let pm: PersonalModelService;

beforeAll(async () => {
  memory = open(tmp.file('memory.db'));
  fx = seedFixture(memory);
  pm = await createPersonalModel({
    config: defaultConfig(),
    memory,
    models: new ModelStore(tmp.dir),
    bus: new EventBus(),
    generator: new StubGenerator(() => reply),
  });
});
afterAll(async () => {
  await pm.dispose();
  memory.close();
  tmp.cleanup();
});

describe('feedback', () => {
  it('classifies what the wearer says about an answer', () => {
    expect(classifyFeedback('shorter please')).toBe('shorter');
    expect(classifyFeedback('more detail')).toBe('longer');
    expect(classifyFeedback("that's wrong, she works on robots")).toBe('wrong');
    expect(classifyFeedback('No, that is not right.')).toBe('wrong');
    expect(classifyFeedback("yes that's right")).toBe('right');
    expect(classifyFeedback('where did I meet Bob')).toBeNull();
    expect(resolvePronoun('she works on robots', 'Ana Lima')).toBe('Ana Lima works on robots');
  });

  it('"shorter" and "more detail" move the length preference, which changes the prompt', async () => {
    expect(memory.profile.get().length).toBe('short');
    expect(await pm.feedback('more detail')).toEqual({ kind: 'length', length: 'normal', changed: true });
    expect(await pm.feedback('tell me more')).toEqual({ kind: 'length', length: 'detailed', changed: true });
    expect(await pm.feedback('more detail')).toEqual({ kind: 'length', length: 'detailed', changed: false });
    expect(memory.profile.get().length).toBe('detailed');
    reply = `Ana works on drones [${fx.ids['ana.drones']}].`;
    await pm.answer('What does Ana work on?', {});
    expect(pm.model.lastTrace?.prompt).toContain('up to four sentences');
    await pm.feedback('shorter');
    await pm.feedback('too long');
    expect(memory.profile.get().length).toBe('short');
  });

  it('"that\'s wrong, she works on robots" corrects the cited note and keeps the corrected Q&A', async () => {
    reply = `Ana works on drones at Skyworks [${fx.ids['ana.drones']}].`;
    const a = await pm.answer('What does Ana work on?', {});
    expect(a).not.toBeNull();
    const out = await pm.feedback("that's wrong, she works on robots");
    expect(out.kind).toBe('corrected');
    if (out.kind !== 'corrected') return;
    expect(out.action).toBe('edited');
    expect(`note:${out.note.id}`).toBe(fx.ids['ana.drones']);
    expect(memory.notes.get(out.note.id)?.text).toBe('Ana Lima works on robots.');
    const kept = memory.feedback.list(1)[0];
    expect(kept).toMatchObject({
      question: 'What does Ana work on?',
      answer: 'Ana works on drones at Skyworks.',
      correction: 'Ana Lima works on robots.',
    });
    expect(kept?.memoryIds).toContain(fx.ids['ana.drones']);
  });

  it('a correction unlike any cited sentence becomes a new note about that person', async () => {
    reply = `Bob runs the bakery on Elm Street [${fx.ids['bob.bakery']}].`;
    await pm.answer('Who runs the bakery?', {});
    const before = memory.notes.forPerson(fx.people.bob as number).length;
    const out = await pm.feedback("that's wrong, he sold it to his sister in May");
    expect(out.kind).toBe('corrected');
    if (out.kind !== 'corrected') return;
    expect(out.action).toBe('added');
    expect(out.note).toMatchObject({ personId: fx.people.bob, text: 'Bob Stone sold it to his sister in May.' });
    expect(memory.notes.forPerson(fx.people.bob as number)).toHaveLength(before + 1);
  });

  it('"that\'s right" keeps the answer as a confirmed pair', async () => {
    reply = `Chen teaches piano at the music school [${fx.ids['chen.piano']}].`;
    await pm.answer('Who teaches piano?', {});
    const out = await pm.feedback("that's right");
    expect(out).toMatchObject({ kind: 'confirmed', feedback: { correction: null, question: 'Who teaches piano?' } });
  });
});

describe('mnemo personal export', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'mnemo-export-'));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes chat-messages JSONL whose every line parses and whose content matches memory', async () => {
    const out = join(outDir, 'dataset.jsonl');
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      await buildProgram().parseAsync(['node', 'mnemo', 'personal', 'export', '--out', out, '--memory', memory.path, '--json']);
    } finally {
      process.stdout.write = write;
    }
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as { messages: Array<{ role: string; content: string }> });
    const counts = JSON.parse(printed) as { lines: number; facts: number; encounters: number; corrections: number; confirmed: number };
    expect(counts.lines).toBe(rows.length);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(['messages']);
      expect(r.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(r.messages.every((m) => typeof m.content === 'string' && m.content.length > 0)).toBe(true);
    }
    expect(rows[0]?.messages[0]?.content).toContain("Sam's personal memory");
    const answers = rows.map((r) => r.messages[2]?.content ?? '');
    // Every note (as corrected) is a fact line; every encounter a where-did-I-meet line.
    const notes = memory.export().people.flatMap((p) => p.notes.map((n) => n.text));
    for (const n of [...notes, ...memory.export().notes.map((n) => n.text)]) expect(answers).toContain(n);
    expect(answers).toContain('Ana Lima works on robots.');
    expect(answers.some((a) => a.includes('Skyworks'))).toBe(false);
    expect(answers).toContain('You met Ana Lima at the robotics meetup on 2026-03-03. Talked about drone batteries.');
    expect(counts.facts).toBe(notes.length + 1);
    expect(counts.encounters).toBe(8);
    expect(counts.corrections).toBe(2);
    expect(counts.confirmed).toBe(1);
    const corrected = rows.find(
      (r) => r.messages[2]?.content === 'Ana Lima works on robots.' && r.messages[1]?.content === 'What does Ana work on?',
    );
    expect(corrected).toBeDefined();
  });
});
