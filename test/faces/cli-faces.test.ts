import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, reportError } from '../../device/program.js';
import { openMemory } from '../../memory/index.js';
import { cropPath, SCENES, scenePath, whoIsIn } from './truth.js';

/* `mnemo faces detect|enroll|identify`, run in-process on real photos and a real memory file. */

let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-faces-cli-'));
  db = join(dir, 'memory.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function mnemo(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  let code = 0;
  try {
    await buildProgram().parseAsync(['node', 'mnemo', ...args]);
  } catch (error) {
    code = reportError(error, false);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { code, out, err };
}

function counts() {
  const m = openMemory({ path: db });
  try {
    const s = m.stats();
    return { people: s.people, samples: s.faceSamples, encounters: s.encounters, notes: s.notes };
  } finally {
    m.close();
  }
}

const bbt4 = SCENES[3] as (typeof SCENES)[number];

describe('mnemo faces', () => {
  it('detect --json lists boxes, scores and quality', async () => {
    const r = await mnemo('faces', 'detect', '--json', scenePath(SCENES[0] as (typeof SCENES)[number]));
    expect(r.code).toBe(0);
    const [img] = JSON.parse(r.out);
    expect(img.faces).toHaveLength(4);
    for (const f of img.faces) {
      expect(f.score).toBeGreaterThan(0.7);
      expect(f.quality).toMatchObject({ ok: true, reasons: [] });
      expect(f.box.width).toBeGreaterThan(60);
    }
  });

  it('enroll --name --note --place stores one person, samples with a thumbnail, an encounter and a note', async () => {
    const r = await mnemo(
      'faces',
      'enroll',
      '--memory',
      db,
      '--json',
      '--name',
      'Penny',
      '--note',
      'lives across the hall',
      '--place',
      'the stairwell',
      cropPath('penny', 1),
      cropPath('penny', 2),
    );
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ created: true, samples: 2 });
    const m = openMemory({ path: db });
    try {
      const p = m.people.findByName('penny');
      expect(p?.name).toBe('Penny');
      const id = p?.id as number;
      expect(m.faces.forPerson(id)).toHaveLength(2);
      expect(m.faces.forPerson(id).every((s) => s.modelId === 'fr-feature-512')).toBe(true);
      expect(m.faces.thumbnail(id)?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect(m.encounters.forPerson(id)[0]?.place).toBe('the stairwell');
      expect(m.notes.forPerson(id)[0]?.text).toBe('lives across the hall');
    } finally {
      m.close();
    }
  });

  it('identify --json names the enrolled person in a group scene and nobody else', async () => {
    await mnemo('faces', 'enroll', '--memory', db, '--name', 'Raj', cropPath('raj', 1), cropPath('raj', 2));
    const r = await mnemo('faces', 'identify', '--memory', db, '--json', scenePath(bbt4));
    expect(r.code, r.err).toBe(0);
    const [img] = JSON.parse(r.out);
    expect(img.faces).toHaveLength(6);
    for (const f of img.faces) {
      const who = whoIsIn(bbt4, f.box);
      if (who === 'penny' || who === 'raj') expect(f).toMatchObject({ decision: 'named', name: who === 'penny' ? 'Penny' : 'Raj' });
      else expect(f.decision).not.toBe('named');
      expect(typeof f.similarity).toBe('number');
      expect(typeof f.margin).toBe('number');
    }
  });

  it('refuses a photo with two equally likely faces, naming it, and writes nothing', async () => {
    const before = counts();
    const r = await mnemo('faces', 'enroll', '--memory', db, '--name', 'Someone', cropPath('amy', 1), scenePath(bbt4));
    expect(r.code).toBe(1);
    expect(r.err).toContain('face-ambiguous');
    expect(r.err).toContain('bbt4.jpg');
    expect(counts()).toEqual(before);
  });

  it('refuses a photo without a face and a corrupt file, naming each, and writes nothing', async () => {
    const before = counts();
    const blank = join(dir, 'wall.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#9ab' } })
      .png()
      .toFile(blank);
    const none = await mnemo('faces', 'enroll', '--memory', db, '--name', 'Amy', cropPath('amy', 1), blank);
    expect(none.err).toContain('face-not-found');
    expect(none.err).toContain('wall.png');
    const broken = join(dir, 'broken.jpg');
    writeFileSync(broken, Buffer.from('not a jpeg at all'));
    const bad = await mnemo('faces', 'enroll', '--memory', db, '--name', 'Amy', cropPath('amy', 1), broken);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('image-invalid');
    expect(bad.err).toContain('broken.jpg');
    expect(counts()).toEqual(before);
  });

  it('re-enrolling adds samples to the same person, bounded by maxSamplesPerPerson', async () => {
    const cfg = join(dir, 'mnemo.yaml');
    writeFileSync(cfg, 'faces:\n  maxSamplesPerPerson: 3\n');
    const files = [1, 2, 3, 4, 5].map((n) => cropPath('sheldon', n));
    const first = await mnemo('--config', cfg, 'faces', 'enroll', '--memory', db, '--json', '--name', 'Sheldon', ...files.slice(0, 2));
    expect(JSON.parse(first.out)).toMatchObject({ created: true, removed: 0 });
    const again = await mnemo('--config', cfg, 'faces', 'enroll', '--memory', db, '--json', '--name', 'sheldon', ...files.slice(2));
    expect(JSON.parse(again.out)).toMatchObject({ created: false, samples: 3, removed: 2 });
    const m = openMemory({ path: db });
    try {
      expect(m.faces.forPerson(m.people.findByName('Sheldon')?.id as number)).toHaveLength(3);
    } finally {
      m.close();
    }
  });
});
