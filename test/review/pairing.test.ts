import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { CODE_TTL_MS, LOCK_MS, pairingCodeSpeech } from '../../device/review/pairing.js';
import { SESSION_COOKIE } from '../../device/review/security.js';
import { type ReviewFixture, reviewFixture, sessionCookie } from './fixture.js';

const PAIR = {
  method: 'POST' as const,
  url: '/api/pairing',
  headers: { 'x-csrf-token': 'pairing', 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/130' },
};

describe('pairing', () => {
  let f: ReviewFixture;
  beforeEach(async () => {
    f = await reviewFixture();
  });
  afterEach(async () => f.close());

  const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('pairs with the right code: HttpOnly Secure SameSite=Strict cookie, only its hash stored, phone recorded, audited', async () => {
    const seen = f.bus.once('t', 'phone-paired');
    const announced = f.bus.once('t', 'pairing-code');
    const { code, expiresAt } = f.pairing.startPairing('voice');
    expect(code).toMatch(/^\d{6}$/);
    expect(expiresAt).toBe(f.clock.now() + CODE_TTL_MS);
    expect((await announced).code).toBe(code);

    const res = await f.app.inject({ ...PAIR, payload: { code, name: 'Ana phone' } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    const token = sessionCookie(res);
    expect(token.length).toBeGreaterThanOrEqual(40);

    const rows = f.memory.db.prepare('select * from phones').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(token);
    expect(Object.values(rows[0] as object)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(f.memory.phones.list()[0]).toMatchObject({ name: 'Ana phone', userAgent: PAIR.headers['user-agent'], pairedAt: f.clock.now() });
    expect((await seen).phoneId).toBe(f.memory.phones.list()[0]?.id);
    expect(f.memory.audit.list().map((a) => a.action)).toContain('pairing-attempt-ok');

    // The cookie works, and the code was single use.
    const session = await f.app.inject({ method: 'GET', url: '/api/session', cookies: { [SESSION_COOKIE]: token } });
    expect(session.statusCode).toBe(200);
    expect(session.json().csrfToken).toBe(res.json().csrfToken);
    const again = await f.app.inject({ ...PAIR, payload: { code } });
    expect(again.statusCode).toBe(401);
    expect(f.memory.phones.list()).toHaveLength(1);
  });

  it('refuses a wrong code, says how many attempts are left, and audits it', async () => {
    const { code } = f.pairing.startPairing('voice');
    const res = await f.app.inject({ ...PAIR, payload: { code: wrongOf(code) } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'pairing-code-wrong', details: { attemptsLeft: 4 } });
    expect(res.cookies).toHaveLength(0);
    expect(f.memory.phones.list()).toHaveLength(0);
    expect(f.memory.audit.list()[0]).toMatchObject({ actor: 'phone', action: 'pairing-attempt-wrong', table: 'phones' });
    // The right code still works after one wrong try.
    expect((await f.app.inject({ ...PAIR, payload: { code } })).statusCode).toBe(200);
  });

  it('refuses an expired code', async () => {
    const { code } = f.pairing.startPairing('voice');
    f.clock.advance(CODE_TTL_MS + 1);
    const res = await f.app.inject({ ...PAIR, payload: { code } });
    expect(res.statusCode).toBe(410);
    expect(res.json().error).toBe('pairing-code-expired');
    expect(f.memory.phones.list()).toHaveLength(0);
    expect(f.memory.audit.list()[0]?.action).toBe('pairing-attempt-expired');
  });

  it('a code typed with no pairing window open counts as wrong', async () => {
    const res = await f.app.inject({ ...PAIR, payload: { code: '123456' } });
    expect(res.statusCode).toBe(401);
  });

  it('locks pairing for 10 minutes after 5 wrong codes, even for the right code', async () => {
    const { code } = f.pairing.startPairing('voice');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await f.app.inject({ ...PAIR, payload: { code: wrongOf(code) } })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await f.app.inject({ ...PAIR, payload: { code } });
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error).toBe('pairing-locked');
    expect(() => f.pairing.startPairing('voice')).toThrowError(expect.objectContaining({ code: 'pairing-locked' }));
    const request = await f.app.inject({ method: 'POST', url: '/api/pairing/request', headers: PAIR.headers });
    expect(request.statusCode).toBe(423);
    const status = (await f.app.inject({ method: 'GET', url: '/api/pairing' })).json();
    expect(status).toMatchObject({ locked: true, lockedUntil: f.clock.now() + LOCK_MS, paired: false });

    f.clock.advance(LOCK_MS - 1000);
    expect((await f.app.inject({ ...PAIR, payload: { code } })).statusCode).toBe(423);
    f.clock.advance(1000);
    const fresh = f.pairing.startPairing('voice');
    expect((await f.app.inject({ ...PAIR, payload: { code: fresh.code } })).statusCode).toBe(200);
    const actions = f.memory.audit.list().map((a) => a.action);
    expect(actions.filter((a) => a === 'pairing-attempt-wrong')).toHaveLength(4);
    expect(actions).toContain('pairing-attempt-wrong-locked');
    expect(actions.filter((a) => a === 'pairing-attempt-locked')).toHaveLength(2);
  });

  it('a new code replaces the old one', async () => {
    const first = f.pairing.startPairing('voice');
    let second = f.pairing.startPairing('voice');
    while (second.code === first.code) second = f.pairing.startPairing('voice');
    expect((await f.app.inject({ ...PAIR, payload: { code: first.code } })).statusCode).toBe(401);
    expect((await f.app.inject({ ...PAIR, payload: { code: second.code } })).statusCode).toBe(200);
  });

  it('the phone can ask for a code, which is spoken as separate digits', async () => {
    const announced = f.bus.once('t', 'pairing-code');
    const res = await f.app.inject({ method: 'POST', url: '/api/pairing/request', headers: PAIR.headers });
    expect(res.statusCode).toBe(202);
    const { code } = await announced;
    expect(res.json().expiresAt).toBe(f.clock.now() + CODE_TTL_MS);
    expect(pairingCodeSpeech(code).replace(/\D/g, '')).toBe(code);
    // Without the CSRF header a cross-site form cannot trigger it.
    const bare = await f.app.inject({ method: 'POST', url: '/api/pairing/request' });
    expect(bare.statusCode).toBe(403);
  });

  it('revokes: one phone, then all; a revoked cookie is refused', async () => {
    const a = f.pairing.startPairing('voice');
    const ra = await f.app.inject({ ...PAIR, payload: { code: a.code, name: 'A' } });
    const b = f.pairing.startPairing('voice');
    const rb = await f.app.inject({ ...PAIR, payload: { code: b.code, name: 'B' } });
    const ca = { [SESSION_COOKIE]: sessionCookie(ra) };
    const cb = { [SESSION_COOKIE]: sessionCookie(rb) };
    const phones = (await f.app.inject({ method: 'GET', url: '/api/phones', cookies: ca })).json() as Array<{ id: number; name: string }>;
    expect(phones.map((p) => p.name).sort()).toEqual(['A', 'B']);
    const idB = phones.find((p) => p.name === 'B')?.id;
    const del = await f.app.inject({
      method: 'DELETE',
      url: `/api/phones/${idB}`,
      cookies: ca,
      headers: { 'x-csrf-token': ra.json().csrfToken },
    });
    expect(del.statusCode).toBe(200);
    expect((await f.app.inject({ method: 'GET', url: '/api/people', cookies: cb })).statusCode).toBe(401);
    expect((await f.app.inject({ method: 'GET', url: '/api/people', cookies: ca })).statusCode).toBe(200);
    expect(f.pairing.revokeAll('voice')).toBe(1);
    expect((await f.app.inject({ method: 'GET', url: '/api/people', cookies: ca })).statusCode).toBe(401);
    expect(f.memory.audit.list().map((x) => x.action)).toEqual(expect.arrayContaining(['phone-revoked', 'phones-revoked-all']));
  });

  it('a session older than review.sessionDays is refused', async () => {
    const { code } = f.pairing.startPairing('voice');
    const res = await f.app.inject({ ...PAIR, payload: { code } });
    const cookies = { [SESSION_COOKIE]: sessionCookie(res) };
    f.clock.advance((f.config.review.sessionDays + 1) * 86_400_000);
    expect((await f.app.inject({ method: 'GET', url: '/api/people', cookies })).statusCode).toBe(401);
  });

  it('startPairing errors are MnemoErrors with stable codes', () => {
    f.pairing.startPairing('voice');
    for (let i = 0; i < 5; i++) {
      try {
        f.pairing.pair('000000', { name: 'x', userAgent: 'x' });
        f.pairing.pair('999999', { name: 'x', userAgent: 'x' });
      } catch (err) {
        expect(isMnemoError(err)).toBe(true);
      }
    }
    expect(f.pairing.status().locked).toBe(true);
  });
});

describe('rate limits', () => {
  it('limits pairing requests per client, and API requests per client', async () => {
    const f = await reviewFixture({ config: { review: { pairingRateLimitPerMinute: 3, rateLimitPerMinute: 8 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await f.app.inject({ ...PAIR, payload: { code: '000000' } })).statusCode);
      expect(statuses.slice(0, 3).every((s) => s === 401 || s === 423)).toBe(true);
      expect(statuses.slice(3)).toEqual([429, 429]);
      const api: number[] = [];
      for (let i = 0; i < 9; i++) api.push((await f.app.inject({ method: 'GET', url: '/api/people' })).statusCode);
      expect(api).toEqual([...Array(8).fill(401), 429]);
      // Another client address has its own budget.
      expect((await f.app.inject({ method: 'GET', url: '/api/pairing', remoteAddress: '10.0.0.9' })).statusCode).toBe(200);
    } finally {
      await f.close();
    }
  });
});
