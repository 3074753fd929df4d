import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { SESSION_COOKIE } from '../../device/review/security.js';
import type { MemoryExport } from '../../memory/types.js';
import { pairPhone, type ReviewFixture, reviewFixture, seedBbt } from './fixture.js';

describe('review API', () => {
  let f: ReviewFixture;
  let ids: Map<string, number>;
  let auth: Record<string, string>;
  const id = (name: string) => ids.get(name) as number;

  beforeAll(async () => {
    f = await reviewFixture();
    ids = await seedBbt(f.memory, f.clock.now());
    auth = (await pairPhone(f)).headers;
  });
  afterAll(async () => f.close());

  const get = (url: string) => f.app.inject({ method: 'GET', url, headers: auth });
  const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    f.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('refuses every API route without a paired session (no cookie, a made-up cookie, a revoked one)', async () => {
    const routes = f.app.reviewRoutes.filter((r) => r.url.startsWith('/api/') && !r.public);
    expect(routes.length).toBeGreaterThanOrEqual(18);
    const revoked = await pairPhone(f, 'soon revoked');
    const revokedId = f.memory.phones.list().find((p) => p.name === 'soon revoked')?.id as number;
    f.pairing.revoke(revokedId);
    for (const r of routes) {
      const url = r.url.replace(':id', String(id('Penny')));
      for (const cookie of [undefined, `${SESSION_COOKIE}=${'x'.repeat(43)}`, revoked.headers.cookie]) {
        const res = await f.app.inject({
          method: r.method as 'GET',
          url,
          headers: { 'x-csrf-token': revoked.csrf, ...(cookie ? { cookie } : {}) },
          ...(r.method === 'GET' || r.method === 'DELETE'
            ? {}
            : { payload: { name: 'X', text: 'x', dropId: 1, token: 'x', code: '123456' } }),
        });
        expect(res.statusCode, `${r.method} ${r.url} with ${cookie ? 'a bad cookie' : 'no cookie'}`).toBe(401);
        expect(res.json().error).toBe('unpaired');
      }
    }
    // Nothing was changed by any of those requests.
    expect(f.memory.people.get(id('Penny'))?.name).toBe('Penny');
  });

  it('only the pairing page and its three requests are public', () => {
    expect(f.app.reviewRoutes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/pairing',
      'POST /api/pairing/request',
      'POST /api/pairing/fingerprint',
      'POST /api/pairing',
    ]);
  });

  it('needs the CSRF header on changes and a same-origin Origin', async () => {
    const url = `/api/people/${id('Amy')}`;
    const noHeader = await f.app.inject({ method: 'PATCH', url, headers: { cookie: auth.cookie as string }, payload: { name: 'Evil' } });
    expect(noHeader.statusCode).toBe(403);
    const wrong = await f.app.inject({ method: 'PATCH', url, headers: { ...auth, 'x-csrf-token': 'guess' }, payload: { name: 'Evil' } });
    expect(wrong.statusCode).toBe(403);
    const crossSite = await f.app.inject({
      method: 'PATCH',
      url,
      headers: { ...auth, origin: 'https://evil.example', host: 'localhost' },
      payload: { name: 'Evil' },
    });
    expect(crossSite.statusCode).toBe(403);
    expect(f.memory.people.get(id('Amy'))?.name).toBe('Amy');
  });

  it('sends a strict CSP and no-store on API answers', async () => {
    const res = await get('/api/people');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lists people with counts and thumbnail links, and searches names, notes and places', async () => {
    const people = (await get('/api/people')).json() as Array<{ name: string; samples: number; thumbnail: string | null }>;
    expect(people.map((p) => p.name).sort()).toEqual([...ids.keys()].sort());
    expect(people.every((p) => p.samples === 1 && p.thumbnail?.startsWith('/api/people/'))).toBe(true);
    const byName = (await get('/api/people?q=SHEL')).json() as Array<{ name: string }>;
    expect(byName.map((p) => p.name)).toEqual(['Sheldon']);
    const byNote = (await get('/api/people?q=karaoke')).json() as Array<{ name: string }>;
    expect(byNote.map((p) => p.name)).toEqual(['Leonard']);
    const weird = await get(`/api/people?q=${encodeURIComponent('"*) OR (')}`);
    expect(weird.statusCode).toBe(200);
  });

  it('serves a person with samples, encounters and notes, and the thumbnail as JPEG', async () => {
    const detail = (await get(`/api/people/${id('Howard')}`)).json();
    expect(detail.person.name).toBe('Howard');
    expect(detail.samples).toHaveLength(1);
    expect(detail.encounters[0].place).toMatch(/meetup|store/);
    expect(detail.notes[0].text).toBe('Howard likes trains');
    const jpeg = await get(`/api/people/${id('Howard')}/thumbnail`);
    expect(jpeg.statusCode).toBe(200);
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect(jpeg.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect((await get('/api/people/999999')).statusCode).toBe(404);
  });

  it('renames', async () => {
    const res = await send('PATCH', `/api/people/${id('Raj')}`, { name: 'Rajesh Koothrappali' });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('Rajesh Koothrappali');
    expect(f.memory.people.get(id('Raj'))?.name).toBe('Rajesh Koothrappali');
    expect(f.memory.audit.list()[0]).toMatchObject({ actor: 'phone', action: 'rename', rowIds: [id('Raj')] });
  });

  it('merges two people: samples, encounters and notes move, the other is gone', async () => {
    const keep = id('Bernadette');
    const drop = id('Stuart');
    const res = await send('POST', `/api/people/${keep}/merge`, { dropId: drop });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: keep, samples: 2, encounters: 2, notes: 2 });
    expect(f.memory.people.get(drop)).toBeUndefined();
    expect(f.memory.faces.forPerson(keep)).toHaveLength(2);
    expect((await send('POST', `/api/people/${keep}/merge`, { dropId: keep })).statusCode).toBe(400);
    expect((await send('POST', `/api/people/${keep}/merge`, { dropId: drop })).statusCode).toBe(404);
  });

  it('forgets only after the confirmation step, and the person is gone from the database', async () => {
    const pid = id('Penny');
    const unconfirmed = await send('POST', `/api/people/${pid}/forget`, { token: 'made-up' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(f.memory.people.get(pid)).toBeDefined();
    const preview = await send('POST', `/api/people/${pid}/forget/preview`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json().person).toMatchObject({ name: 'Penny', samples: 1, notes: 1, encounters: 1 });
    // A token for one person does not forget another.
    expect((await send('POST', `/api/people/${id('Amy')}/forget`, { token: preview.json().token })).statusCode).toBe(400);
    const again = await send('POST', `/api/people/${pid}/forget/preview`);
    const done = await send('POST', `/api/people/${pid}/forget`, { token: again.json().token });
    expect(done.statusCode).toBe(200);
    const db = f.memory.db;
    expect(db.prepare('select count(*) from people where id = ?').pluck().get(pid)).toBe(0);
    for (const table of ['face_samples', 'encounters', 'notes']) {
      expect(db.prepare(`select count(*) from ${table} where person_id = ?`).pluck().get(pid), table).toBe(0);
    }
    expect(f.memory.notes.search('Penny')).toEqual([]);
    expect((await get(`/api/people/${pid}/thumbnail`)).statusCode).toBe(404);
    expect((await get(`/api/people/${pid}`)).statusCode).toBe(404);
    // The token was single use.
    expect((await send('POST', `/api/people/${pid}/forget`, { token: again.json().token })).statusCode).toBe(404);
  });

  it('adds, edits and deletes notes', async () => {
    const pid = id('Sheldon');
    const added = await send('POST', `/api/people/${pid}/notes`, { text: 'Sits on the left end of the couch' });
    expect(added.statusCode).toBe(201);
    const noteId = added.json().id as number;
    expect((await send('PATCH', `/api/notes/${noteId}`, { text: 'Has a spot on the couch' })).json().text).toBe('Has a spot on the couch');
    expect(f.memory.notes.get(noteId)?.text).toBe('Has a spot on the couch');
    expect((await send('DELETE', `/api/notes/${noteId}`)).statusCode).toBe(200);
    expect(f.memory.notes.get(noteId)).toBeUndefined();
    expect((await send('DELETE', `/api/notes/${noteId}`)).statusCode).toBe(404);
  });

  it('exports everything as a JSON download in the memory format', async () => {
    const res = await get('/api/export');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="mnemo-export-\d{4}-\d\d-\d\d\.json"$/);
    const data = res.json() as MemoryExport;
    expect(data).toMatchObject({ format: 'mnemo-memory', version: 1 });
    expect(data.people.map((p) => p.name).sort()).toEqual(
      f.memory.people
        .list()
        .map((p) => p.name)
        .sort(),
    );
    const amy = data.people.find((p) => p.name === 'Amy');
    expect(amy?.samples[0]?.thumbnail).toBeTruthy();
    expect(amy?.samples[0]?.embedding).toHaveLength(128);
    const lean = (await get('/api/export?embeddings=false&thumbnails=false')).json() as MemoryExport;
    expect(lean.people.find((p) => p.name === 'Amy')?.samples[0]?.embedding).toBeUndefined();
    expect(f.memory.audit.list()[0]).toMatchObject({ actor: 'phone', action: 'export' });
  });

  it('shows the audit log, newest first', async () => {
    const audit = (await get('/api/audit?limit=5')).json() as Array<{ id: number; actor: string }>;
    expect(audit).toHaveLength(5);
    expect(audit[0]?.id).toBeGreaterThan(audit[4]?.id as number);
  });

  it('answers schema errors with 400 and the field path', async () => {
    const cases: Array<[Promise<{ statusCode: number; json(): { issues: Array<{ path: string }> } }>, string]> = [
      [send('PATCH', `/api/people/${id('Amy')}`, { name: 42 }), 'body.name'],
      [send('PATCH', `/api/people/${id('Amy')}`, { name: '   ' }), 'body.name'],
      [send('PATCH', `/api/people/${id('Amy')}`, { name: 'Amy', admin: true }), 'body'],
      [send('POST', `/api/people/${id('Amy')}/merge`, { dropId: 'two' }), 'body.dropId'],
      [send('PATCH', '/api/people/abc', { name: 'x' }), 'params.id'],
      [get('/api/audit?limit=-3'), 'querystring.limit'],
      [send('PATCH', '/api/settings', { language: 'English!!' }), 'body.language'],
      [send('PATCH', '/api/settings', { recallCooldownSeconds: -5 }), 'body.recallCooldownSeconds'],
      [f.app.inject({ method: 'POST', url: '/api/pairing', headers: { 'x-csrf-token': 'p' }, payload: { code: '12ab56' } }), 'body.code'],
    ];
    for (const [pending, path] of cases) {
      const res = await pending;
      expect(res.statusCode, path).toBe(400);
      expect(
        res.json().issues.map((i) => i.path),
        path,
      ).toContain(path);
    }
    expect(f.memory.people.get(id('Amy'))?.name).toBe('Amy');
  });

  it('writes settings through the config schema into the YAML file', async () => {
    const before = (await get('/api/settings')).json();
    expect(before.settings).toMatchObject({ recallCooldownSeconds: 600, language: 'en', captureConversations: false });
    const res = await send('PATCH', '/api/settings', {
      recallCooldownSeconds: 120,
      language: 'pt-BR',
      captureConversations: true,
      voice: 'slt',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toMatchObject({ recallCooldownSeconds: 120, language: 'pt-BR', captureConversations: true, voice: 'slt' });
    const config = loadConfig({ file: f.configFile, env: {} });
    expect(config.recall.cooldownSeconds).toBe(120);
    expect(config.voice.language).toBe('pt-BR');
    expect(config.capture.conversations).toBe(true);
    expect(config.speech.voice).toBe('slt');
    expect(readFileSync(f.configFile, 'utf8')).toContain('cooldownSeconds: 120');
    expect(f.config.recall.cooldownSeconds).toBe(120);
    expect((await send('PATCH', '/api/settings', {})).statusCode).toBe(400);
    // null puts the voice back to the engine's default: the key leaves the file.
    const unset = await send('PATCH', '/api/settings', { voice: null });
    expect(unset.json().settings.voice).toBeNull();
    expect(loadConfig({ file: f.configFile, env: {} }).speech.voice).toBeUndefined();
    expect(readFileSync(f.configFile, 'utf8')).not.toContain('slt');
  });

  it('serves the OpenAPI document to a paired phone', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/people', '/api/people/{id}/merge', '/api/pairing', '/api/export']),
    );
    expect(doc.paths['/api/people/{id}'].patch.requestBody.content['application/json'].schema.properties.name.type).toBe('string');
  });
});
