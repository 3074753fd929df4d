import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peopleNamed, retrieve } from '../../device/personal/retrieval.js';
import type { SqliteMemory } from '../../memory/index.js';
import { open, tempDir } from '../memory/helpers.js';
import { sentenceEmbedder } from './embedder.js';
import { type Fixture, PARAPHRASES, QUESTIONS, type Question, seedFixture } from './fixture-memory.js';

/*
 * Retrieval over a fixture memory: for each of 20 questions, is the memory that
 * answers it among the top 3 offered to the model (hit@3), and first (P@1)?
 * FTS alone, and FTS fused with USE-lite sentence vectors in sqlite-vec.
 */

const tmp = tempDir('mnemo-retrieval-');
let memory: SqliteMemory;
let fx: Fixture;

beforeAll(() => {
  memory = open(tmp.file());
  fx = seedFixture(memory);
});
afterAll(() => {
  memory.close();
  tmp.cleanup();
});

async function score(
  embed: Parameters<typeof retrieve>[2]['embed'],
  questions: Question[] = QUESTIONS,
): Promise<{ hit3: number; p1: number; misses: string[] }> {
  let hit3 = 0;
  let p1 = 0;
  const misses: string[] = [];
  for (const q of questions) {
    const { evidence } = await retrieve(memory, q.q, {
      k: 3,
      embed,
      embeddingModel: 'use-lite-512',
      personInView: q.inView ? fx.people[q.inView] : null,
    });
    const want = fx.ids[q.expect];
    const ids = evidence.map((e) => e.memoryId);
    if (ids.includes(want as never)) hit3++;
    else misses.push(q.q);
    if (ids[0] === want) p1++;
  }
  return { hit3: hit3 / questions.length, p1: p1 / questions.length, misses };
}

describe('retrieval for the personal model', () => {
  it('names in a question find their people (full or unique first name)', () => {
    const people = memory.people.list();
    expect(peopleNamed("What's the name of Ana's daughter?", people).map((p) => p.name)).toEqual(['Ana Lima']);
    expect(peopleNamed('did bob stone call?', people).map((p) => p.name)).toEqual(['Bob Stone']);
    expect(peopleNamed('Banana bread', people)).toEqual([]);
  });

  it('full-text search plus named and in-view people', async () => {
    const r = await score(undefined);
    console.log(
      `retrieval FTS only over ${QUESTIONS.length} questions: hit@3 ${r.hit3.toFixed(2)}, P@1 ${r.p1.toFixed(2)}; missed: ${r.misses.join(' | ') || 'none'}`,
    );
    expect(r.hit3).toBeGreaterThanOrEqual(0.75);
  });

  it('fused with sentence-embedding search (USE lite in sqlite-vec)', async () => {
    const embed = await sentenceEmbedder();
    const { backfillVectors } = await import('../../device/personal/evidence.js');
    const added = await backfillVectors(memory, embed, 'use-lite-512');
    expect(added).toBe(Object.keys(fx.ids).length);
    expect(memory.textVectors.missing('use-lite-512')).toEqual([]);
    const r = await score(embed);
    console.log(
      `retrieval FTS + vectors over ${QUESTIONS.length} questions: hit@3 ${r.hit3.toFixed(2)}, P@1 ${r.p1.toFixed(2)}; missed: ${r.misses.join(' | ') || 'none'}`,
    );
    expect(r.hit3).toBeGreaterThanOrEqual(0.85);
    const lexical = await score(undefined, PARAPHRASES);
    const fused = await score(embed, PARAPHRASES);
    console.log(`paraphrases (${PARAPHRASES.length}): hit@3 FTS only ${lexical.hit3.toFixed(2)}, FTS + vectors ${fused.hit3.toFixed(2)}`);
    expect(fused.hit3).toBeGreaterThan(lexical.hit3);
  });
});
