import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask } from '../../device/commands/ask.js';
import { FakeClock, local, testMemory } from './helpers/fakes.js';

/* `mnemo ask`: the same intent and answer path on typed text, one JSON object out. */

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', '..', 'device', 'cli.ts');

let mem: ReturnType<typeof testMemory>;
let clock: FakeClock;
beforeEach(() => {
  clock = new FakeClock(local(2026, 5, 20, 15));
  mem = testMemory(clock);
  mem.memory.encounters.start(mem.ids['Ana Lima'] as number, { source: 'face', place: 'the robotics meetup', at: local(2026, 3, 3) });
});
afterEach(() => mem.cleanup());

describe('mnemo ask', () => {
  it('answers from memory and stores the utterance', async () => {
    const r = await ask("Where'd I meet Ana?", { memory: mem.memory, clock });
    expect(r).toMatchObject({
      transcript: "Where'd I meet Ana?",
      confidence: 1,
      intent: 'where-met',
      answer: 'You met Ana Lima at the robotics meetup on March 3rd.',
    });
    expect(r.slots.name).toBe('Ana Lima');
    for (const id of r.memoryIds) expect(mem.memory.exists(id)).toBe(true);
    expect(mem.memory.utterances.recent(1)[0]?.text).toBe("Where'd I meet Ana?");
  });

  it('forget needs --yes on the command line (there is no second turn)', async () => {
    const bob = mem.ids.Bob as number;
    expect((await ask('forget Bob', { memory: mem.memory, clock })).answer).toContain('Say yes');
    expect(mem.memory.people.get(bob)).toBeDefined();
    expect((await ask('forget Bob', { memory: mem.memory, clock, yes: true })).answer).toBe('Done. I have forgotten them.');
    expect(mem.memory.people.get(bob)).toBeUndefined();
  });

  it('loads the sentence model only when no rule matched the phrasing', async () => {
    let loads = 0;
    const embedder = async () => {
      loads++;
      return undefined;
    };
    await ask('where did I meet Ana', { memory: mem.memory, clock, embedder });
    expect(loads).toBe(0);
    expect((await ask('what should I cook tonight', { memory: mem.memory, clock, embedder })).answer).toBe("I don't know that yet.");
    expect(loads).toBe(1);
  });

  it('refuses empty text with invalid-argument', async () => {
    await expect(ask('  ', { memory: mem.memory })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('prints one JSON object with exactly the six fields', async () => {
    const path = mem.memory.path;
    const { stdout } = await run('npx', ['tsx', CLI, 'ask', 'where did I meet Zorro', '--memory', path, '--json', '--no-examples'], {
      env: { ...process.env, MNEMO_LLM_ENABLED: 'false' },
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['answer', 'confidence', 'intent', 'memoryIds', 'slots', 'transcript']);
    expect(out.answer).toBe("I don't know anyone by that name.");
    expect(out.memoryIds).toEqual([]);
  });

  it('a missing --memory file is memory-not-found', async () => {
    const err = await run('npx', ['tsx', CLI, 'ask', 'who is this', '--memory', '/nonexistent/m.db']).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((err as { stderr: string }).stderr).toContain('memory-not-found');
  });
});
