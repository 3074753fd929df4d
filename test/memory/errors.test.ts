import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { isMnemoError, type MnemoError } from '../../config/errors.js';
import { open, randomVector, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function caught(fn: () => unknown): MnemoError {
  try {
    fn();
  } catch (e) {
    return e as MnemoError;
  }
  throw new Error('expected a throw');
}

function enrollSome(path: string, n: number): void {
  const m = open(path);
  for (let i = 0; i < n; i++) {
    m.people.enroll({
      name: `Person ${i}`,
      samples: [{ modelId: 'dlib-128', embedding: randomVector(128, i), quality: 0.5 }],
      note: `note number ${i} `.repeat(20),
    });
  }
  m.close();
}

describe('memory errors', () => {
  it('disk full: memory-disk-full, nothing half-written, earlier rows all there', () => {
    const path = tmp.file();
    enrollSome(path, 20);
    const m = open(path);
    const pages = m.db.pragma('page_count', { simple: true }) as number;
    // A disk that has room for two more pages, no more (max_page_count is per connection).
    m.db.pragma(`max_page_count = ${pages + 2}`);
    let err: MnemoError | undefined;
    for (let i = 0; i < 50 && !err; i++) {
      try {
        m.people.enroll({
          name: `Big ${i}`,
          samples: [1, 2, 3].map((j) => ({
            modelId: 'dlib-128',
            embedding: randomVector(128, 100 + j),
            quality: 1,
            thumbnail: Buffer.alloc(3000, j),
          })),
          encounter: { source: 'face', place: 'somewhere' },
        });
      } catch (e) {
        err = e as MnemoError;
      }
    }
    expect(isMnemoError(err, 'memory-disk-full')).toBe(true);
    expect(err?.message).toContain(path);
    const rows = m.db
      .prepare('select p.name, (select count(*) from face_samples f where f.person_id = p.id) as n from people p')
      .all() as Array<{
      name: string;
      n: number;
    }>;
    for (const r of rows) expect(r.n, r.name).toBe(r.name.startsWith('Big') ? 3 : 1);
    m.close();
    const again = open(path);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(again.people.list().filter((p) => p.name.startsWith('Person'))).toHaveLength(20);
    // With room again, writing works.
    again.people.create('After the disk was freed');
    again.close();
  });

  // A real full disk: a 4 MB tmpfs (needs root, as in CI; skipped where mount is not allowed).
  const mountPoint = join(tmp.dir, 'tiny');
  const mounted = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    try {
      mkdirSync(mountPoint);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const unmount = () => {
    if (!mounted) return;
    execFileSync('umount', ['-l', mountPoint]);
    rmdirSync(mountPoint);
  };

  it.skipIf(!mounted)('disk full on a real tiny tmpfs: memory-disk-full, then the file opens intact', () => {
    const path = join(mountPoint, 'memory.db');
    const m = open(path);
    let err: MnemoError | undefined;
    let enrolled = 0;
    for (let i = 0; i < 2000 && !err; i++) {
      try {
        m.people.enroll({
          name: `Filler ${i}`,
          samples: [1, 2, 3].map((j) => ({
            modelId: 'dlib-128',
            embedding: randomVector(128, i * 3 + j),
            quality: 1,
            thumbnail: Buffer.alloc(4000, j),
          })),
          encounter: { source: 'face', place: 'the full disk' },
        });
        enrolled++;
      } catch (e) {
        err = e as MnemoError;
      }
    }
    expect(err?.code).toBe('memory-disk-full');
    m.close();
    const again = open(path);
    try {
      expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = again.db
        .prepare('select (select count(*) from face_samples f where f.person_id = p.id) as n from people p')
        .pluck()
        .all() as number[];
      expect(rows.length).toBe(enrolled);
      expect(enrolled).toBeGreaterThan(10);
      for (const n of rows) expect(n).toBe(3);
    } finally {
      again.close();
    }
  });
  afterAll(unmount);

  it('corrupt file: memory-corrupt naming the file and the backup', async () => {
    const path = tmp.file('corrupt.db');
    enrollSome(path, 30);
    const m = open(path);
    await m.backup(`${path}.manual.bak`);
    m.close();
    const pageSize = 4096;
    expect(statSync(path).size).toBeGreaterThan(pageSize * 6);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize * 3, 0xa5), 0, pageSize * 3, pageSize * 2);
    closeSync(fd);
    const err = caught(() => open(path));
    expect(err.code).toBe('memory-corrupt');
    expect(err.message).toContain(path);
    expect(err.fix).toContain(`${path}.manual.bak`);
    expect(err.details).toMatchObject({ file: path, backup: `${path}.manual.bak` });
    // The backup named is good.
    const b = open(`${path}.manual.bak`);
    expect(b.people.list()).toHaveLength(30);
    b.close();
  });

  it('truncated file: memory-corrupt', () => {
    const path = tmp.file();
    enrollSome(path, 30);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expect(caught(() => open(path)).code).toBe('memory-corrupt');
  });

  it('not a SQLite file and no key: memory-key-invalid, and the file is left as it was', () => {
    const path = tmp.file();
    const junk = Buffer.alloc(8192, 0x42);
    const fd = openSync(path, 'w');
    writeSync(fd, junk);
    closeSync(fd);
    expect(caught(() => open(path)).code).toBe('memory-key-invalid');
    expect(readFileSync(path).equals(junk)).toBe(true);
  });

  it('locked file: memory-locked while another process holds the write lock', () => {
    const path = tmp.file();
    enrollSome(path, 1);
    const m = open(path, { busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('begin immediate');
    other.prepare("insert into utterances (text, at) values ('x', 1)").run();
    const err = caught(() => m.people.create('Blocked'));
    expect(err.code).toBe('memory-locked');
    expect(err.message).toContain(path);
    // Reads still work in WAL mode, and so does the write once the lock is gone.
    expect(m.people.list()).toHaveLength(1);
    other.exec('rollback');
    other.close();
    expect(m.people.create('Unblocked').name).toBe('Unblocked');
    m.close();
  });
});
