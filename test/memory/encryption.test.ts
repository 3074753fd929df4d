import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import type { MnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { decryptFile, encryptFile, memoryKey, openMemoryFromConfig } from '../../memory/index.js';
import { open, randomVector, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const KEY = 'correct horse battery staple';
const SECRET = 'Wilhelmina Fitzgerald-Okonkwo';

function caught(fn: () => unknown): MnemoError {
  try {
    fn();
  } catch (e) {
    return e as MnemoError;
  }
  throw new Error('expected a throw');
}

const bytesOf = (path: string) => Buffer.concat([readFileSync(path), ...(existsSync(`${path}-wal`) ? [readFileSync(`${path}-wal`)] : [])]);

describe('encryption at rest', () => {
  it('writes a file plain SQLite cannot read, opens it with the key, and refuses a wrong or missing key', () => {
    const path = tmp.file();
    const m = open(path, { key: KEY });
    m.people.enroll({
      name: SECRET,
      samples: [{ modelId: 'dlib-128', embedding: randomVector(128, 1), quality: 1 }],
      note: 'plays the theremin',
    });
    expect(m.stats()).toMatchObject({ encrypted: true, vectorSearch: 'sqlite-vec' });
    expect(m.faces.nearest(randomVector(128, 1), 'dlib-128', 1)[0]?.similarity).toBeCloseTo(1, 5);
    expect(bytesOf(path).includes(Buffer.from(SECRET))).toBe(false);
    expect(bytesOf(path).includes(Buffer.from('theremin'))).toBe(false);
    m.close();
    expect(readFileSync(path).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    const plain = new Database(path);
    expect(() => plain.prepare('select * from people').all()).toThrow(/not a database/);
    plain.close();

    expect(caught(() => open(path, { key: 'wrong' })).code).toBe('memory-key-invalid');
    expect(caught(() => open(path)).code).toBe('memory-key-invalid');
    const again = open(path, { key: KEY });
    expect(again.people.findByName(SECRET)?.name).toBe(SECRET);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('refuses a key for a plain file instead of making a new database', () => {
    const path = tmp.file();
    open(path).close();
    const before = readFileSync(path);
    expect(caught(() => open(path, { key: KEY })).code).toBe('memory-key-invalid');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('converts a plain file to encrypted and back, keeping everything', async () => {
    const path = tmp.file();
    const m = open(path);
    m.people.enroll({
      name: SECRET,
      samples: [{ modelId: 'fr-512', embedding: randomVector(512, 4), quality: 1 }],
      encounter: { source: 'voice', place: 'Lisbon' },
    });
    m.close();
    expect(encryptFile(path, KEY).encrypted).toBe(true);
    expect(bytesOf(path).includes(Buffer.from(SECRET))).toBe(false);
    expect(caught(() => open(path)).code).toBe('memory-key-invalid');
    const e = open(path, { key: KEY });
    expect(e.people.list()[0]).toMatchObject({ name: SECRET, samples: 1, encounters: 1 });
    expect(e.faces.nearest(randomVector(512, 4), 'fr-512', 1)).toHaveLength(1);
    // An online backup of an encrypted file stays encrypted with the same key.
    await e.backup(`${path}.copy`);
    e.close();
    expect(bytesOf(`${path}.copy`).includes(Buffer.from(SECRET))).toBe(false);
    open(`${path}.copy`, { key: KEY }).close();

    expect(caught(() => decryptFile(path, 'wrong')).code).toBe('memory-key-invalid');
    expect(decryptFile(path, KEY).encrypted).toBe(false);
    expect(readFileSync(path).subarray(0, 15).toString()).toBe('SQLite format 3');
    const d = open(path);
    expect(d.notes.search('lisbon')).toHaveLength(1);
    d.close();
  });

  it('reads the key from MNEMO_MEMORY_KEY or a key file', () => {
    const keyFile = join(tmp.dir, 'memory.key');
    writeFileSync(keyFile, `${KEY}\n`);
    chmodSync(keyFile, 0o600);
    const cfg = { ...defaultConfig().memory, path: tmp.file(), encryption: { keyFile } };
    expect(memoryKey(cfg, {})).toBe(KEY);
    expect(memoryKey({ ...cfg, encryption: {} }, { MNEMO_MEMORY_KEY: 'from-env' })).toBe('from-env');
    expect(memoryKey({ ...cfg, encryption: {} }, {})).toBeUndefined();
    expect(caught(() => memoryKey({ ...cfg, encryption: { keyFile: join(tmp.dir, 'nope') } }, {})).code).toBe('memory-key-invalid');
    const m = openMemoryFromConfig(cfg, { log: false, env: {} });
    expect(m.stats().encrypted).toBe(true);
    m.close();
    expect(caught(() => openMemoryFromConfig({ ...cfg, encryption: {} }, { log: false, env: {} })).code).toBe('memory-key-invalid');
  });
});
