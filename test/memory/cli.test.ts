import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerMemory } from '../../device/commands/memory.js';
import { open, randomVector, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.MNEMO_MEMORY_KEY;
});

/** Runs `mnemo ...args` in-process; returns what it printed on stdout and stderr. */
async function mnemo(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    // Only the memory commands: the rest of the CLI is other parts' business.
    const program = new Command('mnemo').option('-c, --config <file>').option('--debug').exitOverride();
    registerMemory(program);
    await program.parseAsync(['node', 'mnemo', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return { out, err };
}

describe('mnemo memory', () => {
  const path = tmp.file('cli.db');
  const m = open(path);
  m.people.enroll({
    name: 'Ana Lima',
    samples: [{ modelId: 'dlib-128', embedding: randomVector(128, 1), quality: 0.9 }],
    encounter: { source: 'face' },
  });
  m.people.enroll({ name: 'Bob Stone', samples: [], note: 'plays chess' });
  m.close();

  it('lists people and stats, as text and JSON', async () => {
    const text = await mnemo('memory', 'people', '--memory', path);
    expect(text.out).toMatch(/Ana Lima\s+1\s+1\s+0/);
    const json = JSON.parse((await mnemo('memory', 'people', '--memory', path, '--json')).out) as Array<{ name: string }>;
    expect(json.map((p) => p.name)).toEqual(['Ana Lima', 'Bob Stone']);
    const stats = JSON.parse((await mnemo('memory', 'stats', '--memory', path, '--json')).out);
    expect(stats).toMatchObject({ people: 2, faceSamples: 1, notes: 1, encrypted: false, vectorSearch: 'sqlite-vec' });
  });

  it('exports, imports into a new file, backs up, and forgets only with --yes', async () => {
    const out = join(tmp.dir, 'export.json');
    await mnemo('memory', 'export', '--memory', path, '--out', out, '--with-embeddings');
    const data = JSON.parse(readFileSync(out, 'utf8'));
    expect(data.people[0].samples[0].embedding).toHaveLength(128);
    const copy = join(tmp.dir, 'imported.db');
    const r = JSON.parse((await mnemo('memory', 'import', out, '--memory', copy, '--json')).out);
    expect(r).toEqual({ people: 2, notes: 1 });

    const backup = join(tmp.dir, 'backup.db');
    await mnemo('memory', 'backup', '--memory', copy, '--out', backup);
    expect(existsSync(backup)).toBe(true);

    await expect(mnemo('memory', 'forget', 'ana', '--memory', copy)).rejects.toMatchObject({ code: 'invalid-argument' });
    await mnemo('memory', 'forget', 'ana', '--memory', copy, '--yes');
    const left = JSON.parse((await mnemo('memory', 'people', '--memory', copy, '--json')).out) as Array<{ name: string }>;
    expect(left.map((p) => p.name)).toEqual(['Bob Stone']);
    await expect(mnemo('memory', 'forget', 'nobody', '--memory', copy, '--yes')).rejects.toMatchObject({ code: 'memory-not-found' });
  });

  it('encrypts and decrypts with MNEMO_MEMORY_KEY', async () => {
    const file = join(tmp.dir, 'enc.db');
    open(file).close();
    await expect(mnemo('memory', 'encrypt', '--memory', file)).rejects.toMatchObject({ code: 'memory-key-invalid' });
    process.env.MNEMO_MEMORY_KEY = 'k3y';
    await mnemo('memory', 'encrypt', '--memory', file);
    expect(readFileSync(file).subarray(0, 6).toString()).not.toBe('SQLite');
    expect(JSON.parse((await mnemo('memory', 'stats', '--memory', file, '--json')).out).encrypted).toBe(true);
    await mnemo('memory', 'decrypt', '--memory', file);
    delete process.env.MNEMO_MEMORY_KEY;
    expect(JSON.parse((await mnemo('memory', 'stats', '--memory', file, '--json')).out).encrypted).toBe(false);
  });

  it('says which file is missing', async () => {
    await expect(mnemo('memory', 'stats', '--memory', join(tmp.dir, 'none.db'))).rejects.toMatchObject({ code: 'memory-not-found' });
  });
});
