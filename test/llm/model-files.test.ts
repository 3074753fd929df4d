import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { LLM_MODELS } from '../../models/llm/catalog.js';
import { addLocalModel } from '../../models/llm/local-folder.js';
import { isPinned, type ModelEntry } from '../../models/manifest.js';
import { ModelPuller } from '../../models/puller.js';
import { ModelStore } from '../../models/store.js';
import { writeRandomDecoder } from './random-decoder.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mnemo-llm-files-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mnemo models add-local', () => {
  it('registers a folder by hash and refuses it once a file changed', async () => {
    const dir = join(root, 'my-lora');
    writeRandomDecoder(dir);
    const store = new ModelStore(join(root, 'models-a'));
    const { entry, action } = await addLocalModel(store, dir);
    expect(action).toBe('added');
    expect(entry.id).toBe('local-my-lora');
    expect(entry.source).toEqual({ kind: 'local', dir });
    expect(entry.files.map((f) => f.path).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(entry.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256 ?? ''))).toBe(true);
    expect(await store.require('local-my-lora')).toHaveLength(5);
    expect((await addLocalModel(store, dir)).action).toBe('unchanged');

    appendFileSync(join(dir, 'tokenizer.json'), ' ');
    await expect(store.require('local-my-lora')).rejects.toSatisfy((e) => isMnemoError(e, 'model-hash-mismatch'));
    await expect(addLocalModel(store, dir)).rejects.toSatisfy(
      (e) => isMnemoError(e, 'model-hash-mismatch') && JSON.stringify(e.details).includes('tokenizer.json'),
    );
    // Only an explicit --replace re-registers it.
    expect((await addLocalModel(store, dir, { replace: true })).action).toBe('replaced');
    expect(await store.require('local-my-lora')).toHaveLength(5);
  });

  it('refuses what is not a text-generation folder', async () => {
    const store = new ModelStore(join(root, 'models-b'));
    await expect(addLocalModel(store, join(root, 'nope'))).rejects.toSatisfy((e) => isMnemoError(e, 'invalid-argument'));
    const half = join(root, 'half');
    mkdirSync(half);
    writeFileSync(join(half, 'config.json'), '{}');
    await expect(addLocalModel(store, half)).rejects.toThrow(/tokenizer\.json.*onnx\/model\*\.onnx/);
    const dir = join(root, 'ok');
    writeRandomDecoder(dir);
    await expect(addLocalModel(store, dir, { id: 'smollm2-135m-instruct' })).rejects.toThrow(/built-in/);
    expect(store.localEntries()).toEqual([]);
  });
});

describe('unpinned hub entries', () => {
  let server: Server;
  let base: string;
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"model_type":"llama"}'),
    'onnx/model_q4.onnx': Buffer.from('not really onnx, but bytes to hash'),
  };
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      const body = files[(req.url ?? '').replace(/^\/repo\//, '')];
      res.statusCode = body ? 200 : 404;
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const entry = (): ModelEntry => ({
    id: 'hub-llm',
    task: 'text-generation',
    description: 'test',
    licence: 'test',
    source: { kind: 'https', baseUrl: base },
    pinned: false,
    files: Object.keys(files).map((path) => ({ path, sha256: null, bytes: null })),
  });

  it('the built-in LLM entries are marked unpinned with https hub sources', () => {
    expect(LLM_MODELS.map((m) => m.id)).toEqual([
      'smollm2-135m-instruct',
      'smollm2-135m-instruct-q8',
      'smollm2-360m-instruct',
      'smollm2-360m-instruct-q8',
      'qwen2.5-0.5b-instruct',
      'qwen2.5-0.5b-instruct-q8',
    ]);
    for (const m of LLM_MODELS) {
      expect(isPinned(m)).toBe(false);
      expect(m.source.kind === 'https' && m.source.baseUrl.startsWith('https://huggingface.co/')).toBe(true);
      expect(m.files.every((f) => f.sha256 === null)).toBe(true);
    }
  });

  it('pull refuses to install them without --trust-unpinned, downloading nothing', async () => {
    const store = new ModelStore(join(root, 'models-c'), [entry()]);
    requests = 0;
    await expect(new ModelPuller(store).pull(['hub-llm'])).rejects.toSatisfy(
      (e) => isMnemoError(e, 'model-unpinned') && (e.fix ?? '').includes('--trust-unpinned'),
    );
    expect(requests).toBe(0);
    expect(existsSync(join(root, 'models-c', 'hub-llm', 'config.json'))).toBe(false);
  });

  it('with the flag: installs, records the hashes seen, and verifies against them later', async () => {
    const store = new ModelStore(join(root, 'models-d'), [entry()]);
    const pinned: string[] = [];
    await new ModelPuller(store, { allowUnpinned: true, onPinned: (p) => pinned.push(`${p.file}=${p.sha256}`) }).pull(['hub-llm']);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(pinned.sort()).toEqual(
      Object.entries(files)
        .map(([p, b]) => `${p}=${sha(b)}`)
        .sort(),
    );
    expect(await store.require('hub-llm')).toHaveLength(2);
    appendFileSync(join(root, 'models-d', 'hub-llm', 'config.json'), 'x');
    await expect(store.require('hub-llm')).rejects.toSatisfy((e) => isMnemoError(e, 'model-hash-mismatch'));
  });

  it('a file copied in by hand with no recorded hash is unverified, not loaded', async () => {
    const store = new ModelStore(join(root, 'models-e'), [entry()]);
    for (const [p, b] of Object.entries(files)) {
      mkdirSync(join(root, 'models-e', 'hub-llm', p, '..'), { recursive: true });
      writeFileSync(join(root, 'models-e', 'hub-llm', p), b);
    }
    expect((await store.status(entry())).status).toBe('unverified');
    await expect(store.require('hub-llm')).rejects.toSatisfy((e) => isMnemoError(e, 'model-unpinned'));
  });
});
