import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { toBlob } from '../../memory/vectors.js';
import { open, randomVector, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Every byte the memory keeps on disk: the main file and, if present, its WAL. */
function diskBytes(path: string): Buffer {
  return Buffer.concat([readFileSync(path), ...(existsSync(`${path}-wal`) ? [readFileSync(`${path}-wal`)] : [])]);
}

describe('forget', () => {
  it('leaves neither the name nor the embedding bytes anywhere in the file or its WAL', () => {
    const path = tmp.file();
    const m = open(path);
    const name = 'Zebulon Quaxworthy';
    const embeddings = [101, 102, 103].map((s) => randomVector(512, s));
    const thumb = Buffer.from(`JPEG-THUMB-${'q'.repeat(40)}-END`);
    const u = m.utterances.add(`remember that ${name} keeps llamas in Xochimilco`);
    const r = m.people.enroll({
      name,
      samples: embeddings.map((e) => ({ modelId: 'fr-512', embedding: e, quality: 0.9, thumbnail: thumb })),
      encounter: { source: 'face', place: 'Glimmerfen Fair', context: 'sold marmalade' },
    });
    m.notes.add({ personId: r.person.id, text: 'keeps llamas in Xochimilco', utteranceId: u.id });
    m.textVectors.upsert(`person:${r.person.id}`, 'minilm', randomVector(384, 7));
    const other = m.people.enroll({ name: 'Keeper Other', samples: [{ modelId: 'fr-512', embedding: randomVector(512, 5), quality: 1 }] });
    m.notes.add({ personId: other.person.id, text: `brother-in-law of zebulon, who is nice` });
    m.utterances.add(`I saw Zébulon QUAXWORTHY today`);
    m.feedback.add({ question: `who is ${name}?`, answer: 'a llama keeper', correction: null, memoryIds: [`person:${r.person.id}`] });

    // The test can fail: before forgetting, the scan finds what it looks for.
    const needles = [
      Buffer.from('Quaxworthy'),
      Buffer.from('quaxworthy'),
      Buffer.from('Zebulon'),
      Buffer.from('zebulon'),
      Buffer.from('Xochimilco'),
      Buffer.from('xochimilco'),
      Buffer.from('Glimmerfen'),
      Buffer.from('glimmerfen'),
      Buffer.from('marmalade'),
      thumb,
      ...embeddings.map((e) => toBlob(e)),
      ...embeddings.map((e) => toBlob(e).subarray(64, 96)),
    ];
    const before = diskBytes(path);
    for (const n of needles) expect(before.includes(n), `before: ${n.subarray(0, 12).toString('latin1')}`).toBe(true);

    m.people.forget(r.person.id);
    expect(m.people.get(r.person.id)).toBeUndefined();
    expect(m.notes.search('llamas')).toEqual([]);
    expect(m.notes.search('glimmerfen')).toEqual([]);
    expect(m.faces.nearest(embeddings[0] as Float32Array, 'fr-512', 3).map((h) => h.personId)).toEqual([other.person.id]);
    // What the wearer said about the person is about them: deleted, not redacted.
    expect(m.utterances.recent().map((x) => x.text)).toEqual([]);
    expect(m.notes.forPerson(other.person.id)[0]?.text).toBe('brother-in-law of [forgotten], who is nice');
    expect(m.feedback.list()).toEqual([]);
    expect(m.textVectors.nearest(randomVector(384, 7), 'minilm', 5)).toEqual([]);
    expect(m.audit.list(1)[0]).toMatchObject({ action: 'forget', table: 'people', rowIds: [r.person.id] });
    expect(JSON.stringify(m.audit.list(1000))).not.toMatch(/zebulon|quaxworthy/i);

    const check = (bytes: Buffer, when: string) => {
      for (const n of needles) expect(bytes.includes(n), `${when}: found ${n.subarray(0, 12).toString('latin1')}`).toBe(false);
    };
    check(diskBytes(path), 'while open');
    expect(existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0).toBe(0);
    m.close();
    check(diskBytes(path), 'after close');
    const again = open(path);
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(again.people.list().map((p) => p.name)).toEqual(['Keeper Other']);
    again.close();
  });
});
