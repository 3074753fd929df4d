import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import type { LlmWorker } from '../../models/llm/generator.js';
import { addLocalModel } from '../../models/llm/local-folder.js';
import { llmAvailability, openLlm } from '../../models/llm/open.js';
import { ModelStore } from '../../models/store.js';
import { writeRandomDecoder } from './random-decoder.js';

/*
 * The real loading and generation path (store verification -> worker thread ->
 * transformers.js -> onnxruntime) on a random-weight decoder with SmolLM2's inputs
 * and outputs, registered like a wearer's own folder.
 */

const ask = [{ role: 'user' as const, content: 'Where did I meet Ana?' }];
let root: string;
let store: ModelStore;
let llm: LlmWorker;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mnemo-llm-'));
  writeRandomDecoder(join(root, 'tiny-llm'));
  store = new ModelStore(join(root, 'models'));
  await addLocalModel(store, join(root, 'tiny-llm'), { id: 'test-tiny-llm' });
  llm = await openLlm(store, 'test-tiny-llm', { timeoutMs: 30_000 });
  await llm.load();
});

afterAll(async () => {
  await llm?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('text generation in a worker thread', () => {
  it('streams text pieces that add up to the answer, within max new tokens', async () => {
    const pieces: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const g = await llm.generate(ask, { maxNewTokens: 24, onToken: (t) => pieces.push(t) });
    clearInterval(timer);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('').trim()).toBe(g.text.trim());
    expect(g.tokens).toBeGreaterThan(0);
    expect(g.tokens).toBeLessThanOrEqual(24);
    expect(g.promptTokens).toBeGreaterThan(20);
    expect(g.firstTokenMs).not.toBeNull();
    // The main thread's event loop ran while the worker generated (frames keep flowing).
    expect(ticks).toBeGreaterThan(0);
  });

  it('is deterministic with greedy decoding and honours stop strings', async () => {
    const a = await llm.generate(ask, { maxNewTokens: 30 });
    const b = await llm.generate(ask, { maxNewTokens: 30 });
    expect(b.text).toBe(a.text);
    // A stop string taken from the middle of the free-running text cuts it there.
    const words = a.text.trim().split(/\s+/);
    expect(words.length).toBeGreaterThan(3);
    const stop = ` ${words[2]}`;
    const cut = a.text.indexOf(stop);
    const c = await llm.generate(ask, { maxNewTokens: 30, stop: [stop] });
    expect(c.stoppedBy).toBe('stop-string');
    expect(c.text).toBe(a.text.slice(0, cut));
    expect(c.tokens).toBeLessThan(a.tokens);
  });

  it('aborts on the signal and stays usable', async () => {
    const ac = new AbortController();
    const pieces: string[] = [];
    const run = llm.generate(ask, {
      maxNewTokens: 800,
      signal: ac.signal,
      onToken: (t) => {
        pieces.push(t);
        ac.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e) => isMnemoError(e, 'aborted'));
    expect(pieces.length).toBeGreaterThan(0);
    const pre = new AbortController();
    pre.abort();
    await expect(llm.generate(ask, { signal: pre.signal })).rejects.toSatisfy((e) => isMnemoError(e, 'aborted'));
    const after = await llm.generate(ask, { maxNewTokens: 5 });
    expect(after.tokens).toBeGreaterThan(0);
  });

  it('times out with llm-timeout and stays usable', async () => {
    await expect(llm.generate(ask, { maxNewTokens: 1000, timeoutMs: 5 })).rejects.toSatisfy((e) => isMnemoError(e, 'llm-timeout'));
    const after = await llm.generate(ask, { maxNewTokens: 5 });
    expect(after.tokens).toBeGreaterThan(0);
  });

  it('queues concurrent calls: each gets its own complete answer', async () => {
    const [x, y] = await Promise.all([llm.generate(ask, { maxNewTokens: 8 }), llm.generate(ask, { maxNewTokens: 8 })]);
    expect(x.text).toBe(y.text);
    expect(x.tokens).toBe(y.tokens);
  });

  it('uses the chat template of the folder: without one it says so', async () => {
    const copy = join(root, 'no-template');
    cpSync(join(root, 'tiny-llm'), copy, { recursive: true });
    const cfgPath = join(copy, 'tokenizer_config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
    delete cfg.chat_template;
    writeFileSync(cfgPath, JSON.stringify(cfg));
    await addLocalModel(store, copy, { id: 'test-no-template' });
    const other = await openLlm(store, 'test-no-template');
    try {
      await expect(other.generate(ask, { maxNewTokens: 4 })).rejects.toThrow(/chat_template/);
    } finally {
      await other.dispose();
    }
  });
});

describe('a missing model', () => {
  it('says which model is missing and the command that gets it', async () => {
    const empty = new ModelStore(join(root, 'empty-models'));
    const a = await llmAvailability(empty, 'smollm2-135m-instruct');
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.code).toBe('model-missing');
    expect(a.message).toContain('smollm2-135m-instruct');
    expect(a.fix).toContain('mnemo models pull smollm2-135m-instruct --trust-unpinned');
    await expect(openLlm(empty, 'smollm2-135m-instruct')).rejects.toSatisfy((e) => isMnemoError(e, 'model-missing'));
    const unknown = await llmAvailability(empty, 'no-such-model');
    expect(unknown.ok === false && unknown.code).toBe('model-unknown');
  });
});
