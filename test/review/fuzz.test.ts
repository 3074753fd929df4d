import { Agent, request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../device/review/web-build.js';
import { pairPhone, type ReviewFixture, reviewFixture, seedBbt } from './fixture.js';

interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  what: string;
}

/** A seeded generator, so a failure names a case that can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const TRAVERSALS = [
  '/../../../../etc/passwd',
  '/..%2f..%2f..%2fetc%2fpasswd',
  '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
  '/%252e%252e/%252e%252e/etc/passwd',
  '/icon.svg/../../../package.json',
  '/..\\..\\..\\package.json',
  '/.built',
  '/.lock',
  '/%00/etc/passwd',
  '/app.js%00.html',
  '/....//....//etc/passwd',
  '/./../web-build.ts',
  '/api/../../package.json',
  '/api/people/..%2f..%2f..%2fetc%2fpasswd/thumbnail',
  '//etc/passwd',
  '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
];

const BAD_JSON = ['{', '{"name":', '[1,2', '{"name":"a",}', 'nul', '"\\ud800', '{"a":1}{"b":2}', '\u0000\u0001', '{{{{', '{"name": NaN}'];
const WRONG_TYPES: unknown[] = [
  { name: 42 },
  { name: null },
  { name: ['a'] },
  { name: { $gt: '' } },
  { name: 'x'.repeat(5000) },
  { text: 1 },
  { text: '' },
  { dropId: '1 OR 1=1' },
  { dropId: -4 },
  { dropId: 1.5 },
  { token: 7 },
  { code: 123456 },
  { code: '12345' },
  { code: '1234567' },
  { recallCooldownSeconds: 'soon' },
  { language: '../../etc' },
  { speechEngine: 'rm -rf' },
  { captureConversations: 'yes' },
  [],
  'just a string',
  42,
  { __proto__: { admin: true }, name: 'x', extra: 1 },
];

describe('fuzz: 1,000 malformed requests over HTTPS', () => {
  let f: ReviewFixture;
  let base: URL;
  let auth: Record<string, string>;
  let pid: number;
  // One connection per request: the server closes a connection after some refusals (a huge
  // body, a URL it cannot decode), and a reused socket would turn that into a client-side race.
  const agent = new Agent({ keepAlive: false, maxSockets: 8, rejectUnauthorized: false });

  beforeAll(async () => {
    const webDir = await ensureWebBuilt();
    f = await reviewFixture({
      webDir,
      https: true,
      config: { review: { rateLimitPerMinute: 100_000, pairingRateLimitPerMinute: 100_000 } },
    });
    pid = (await seedBbt(f.memory, f.clock.now())).get('Amy') as number;
    auth = (await pairPhone(f)).headers;
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const a = f.app.server.address();
    base = new URL(`https://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
  });
  afterAll(async () => {
    agent.destroy();
    await f.close();
  });

  function send(s: Sent): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          method: s.method,
          path: s.path,
          agent,
          // An explicit length: Node sends a GET or DELETE body unframed otherwise, which tests the client, not the server.
          headers: {
            host: base.host,
            ...(s.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(s.body)) }),
            ...s.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', (err) => reject(new Error(`${s.what} ${s.method} ${s.path}: ${err.message}`)));
      if (s.body !== undefined) req.end(s.body);
      else req.end();
    });
  }

  function cases(n: number): Sent[] {
    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const json = { 'content-type': 'application/json' };
    const writes = [
      ['PATCH', `/api/people/${pid}`],
      ['POST', `/api/people/${pid}/merge`],
      ['POST', `/api/people/${pid}/notes`],
      ['POST', `/api/people/${pid}/forget`],
      ['PATCH', '/api/settings'],
      ['PATCH', '/api/notes/1'],
    ] as const;
    const makers: Array<() => Sent> = [
      () => ({ ...pickWrite(), headers: { ...auth, ...json }, body: pick(BAD_JSON), what: 'bad JSON' }),
      () => ({ ...pickWrite(), headers: { ...auth, ...json }, body: JSON.stringify(pick(WRONG_TYPES)), what: 'wrong types' }),
      () => ({
        ...pickWrite(),
        headers: { ...auth, ...json },
        body: `{"name":"${'A'.repeat(70_000 + Math.floor(r() * 200_000))}"}`,
        what: 'huge body',
      }),
      () => ({
        ...pickWrite(),
        headers: { ...auth, 'content-type': pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) },
        body: 'name=x',
        what: 'wrong content type',
      }),
      () => ({ method: 'GET', path: pick(TRAVERSALS), headers: r() < 0.5 ? auth : {}, what: 'traversal' }),
      () => ({
        method: pick(['GET', 'PATCH', 'POST', 'DELETE']),
        path: pick(['/api/people', `/api/people/${pid}`, `/api/people/${pid}/thumbnail`, '/api/export', '/api/audit', '/api/settings']),
        headers: json,
        body: r() < 0.5 ? '{}' : undefined,
        what: 'missing cookie',
      }),
      () => ({
        method: 'GET',
        path: `/api/people/${pick(['-1', '0', 'abc', '1e309', 'NaN', '99999999999', '1.5', '%20', "1'--"])}`,
        headers: auth,
        what: 'bad id',
      }),
      () => ({ method: 'GET', path: `/api/audit?limit=${pick(['-1', 'all', '100000', '1e9', ''])}`, headers: auth, what: 'bad query' }),
      () => ({
        method: 'GET',
        path: `/api/people?${pick([`q=${'x'.repeat(300)}`, 'unknown=1', 'q=a&q=b&x=1'])}`,
        headers: auth,
        what: 'bad search',
      }),
      () => ({
        method: 'POST',
        path: '/api/pairing',
        headers: { 'x-csrf-token': 'p', ...json },
        body: JSON.stringify(pick(WRONG_TYPES)),
        what: 'bad pairing',
      }),
      () => ({ ...pickWrite(), headers: { cookie: auth.cookie as string, ...json }, body: '{"name":"x"}', what: 'no CSRF header' }),
      () => ({
        method: pick(['PUT', 'OPTIONS', 'TRACE', 'PROPFIND']),
        path: pick(['/api/people', '/api/settings', '/']),
        headers: auth,
        what: 'odd method',
      }),
    ];
    function pickWrite(): { method: string; path: string } {
      const [method, path] = pick(writes);
      return { method, path };
    }
    return Array.from({ length: n }, () => (pick(makers) as () => Sent)());
  }

  it('answers every one with a 4xx, leaks no file, and stays up', async () => {
    const all = cases(1000);
    const byKind = new Map<string, Set<number>>();
    for (let i = 0; i < all.length; i += 8) {
      const batch = all.slice(i, i + 8);
      const results = await Promise.all(batch.map(send));
      results.forEach((res, j) => {
        const c = batch[j] as Sent;
        expect(res.status, `case ${i + j}: ${c.what} ${c.method} ${c.path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `case ${i + j}: ${c.what} ${c.method} ${c.path}`).toBeLessThan(500);
        expect(res.body).not.toMatch(/root:x:0|"name": "mnemo"|ensureWebBuilt/);
        byKind.set(c.what, (byKind.get(c.what) ?? new Set()).add(res.status));
      });
    }
    // Every kind of bad request was tried, and the answers are the specific ones, not a blanket status.
    expect(byKind.size).toBe(12);
    expect(byKind.get('huge body')).toEqual(new Set([413]));
    expect(byKind.get('missing cookie')).toEqual(new Set([401]));
    expect(byKind.get('no CSRF header')).toEqual(new Set([403]));
    expect([...(byKind.get('wrong types') ?? [])]).toContain(400);
    expect([...(byKind.get('wrong content type') ?? [])]).toContain(415);

    // Still up, still serving, and nothing was changed.
    expect((await send({ method: 'GET', path: '/api/pairing', what: 'alive' })).status).toBe(200);
    expect((await send({ method: 'GET', path: '/', what: 'alive' })).status).toBe(200);
    expect(f.memory.people.get(pid)?.name).toBe('Amy');
    expect(f.memory.phones.list()).toHaveLength(1);
  });
});
