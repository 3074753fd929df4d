import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { configSchema } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { systemClock } from '../../device/contracts.js';
import { buildReviewApp } from '../../device/review/app.js';
import { ensureCertificate } from '../../device/review/cert.js';
import { PairingService } from '../../device/review/pairing.js';
import { openMemory } from '../../memory/index.js';
import type { Benchmark } from './harness.js';

const PEOPLE = 1000;

function embedding(seed: number): Float32Array {
  const v = new Float32Array(128);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(seed * 31 + i);
  return v;
}

/**
 * The phone's people list with 1,000 people over HTTPS on loopback: p50 of single
 * requests, then requests per second under load from autocannon (10 connections, 5 s).
 * The pairing status route (no database rows) runs beside it as the HTTP+TLS floor.
 */
const bench: Benchmark = {
  description: 'review server: GET /api/people with 1,000 people over HTTPS (p50, autocannon req/s), pairing status as the floor',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-review-bench-'));
    const config = configSchema.parse({
      memory: { path: join(dir, 'memory.db') },
      review: { certDir: join(dir, 'cert'), port: 0, rateLimitPerMinute: 10_000_000 },
    });
    const memory = openMemory({ path: config.memory.path });
    const bus = new EventBus();
    const pairing = new PairingService({ memory, bus, clock: systemClock, fingerprint: () => cert.fingerprint, sessionDays: 1 });
    const cert = await ensureCertificate(config.review.certDir);
    const thumb = Buffer.alloc(6000, 7);
    for (let i = 0; i < PEOPLE; i++) {
      memory.people.enroll({
        name: `Person ${i}`,
        samples: [{ modelId: 'dlib-128', embedding: embedding(i), quality: 0.8, thumbnail: thumb }],
        encounter: { source: 'face', place: `place ${i % 17}` },
        note: `note about person ${i}`,
      });
    }
    const app = await buildReviewApp({
      config,
      memory,
      bus,
      clock: systemClock,
      pairing,
      configFile: join(dir, 'mnemo.yaml'),
      https: cert,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const { code } = pairing.startPairing('phone');
    const { token } = pairing.pair(code, { name: 'bench', userAgent: 'bench' });
    const headers = { cookie: `mnemo_session=${token}` };
    const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => {
            n += c.length;
          });
          res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`${path}: ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const bytes = await get('/api/people');
      ctx.note(`people list: ${PEOPLE} people, ${Math.round(bytes / 1024)} KiB of JSON per response`);
      const list = ctx.figure('GET /api/people (1,000) one at a time', await ctx.time(() => get('/api/people'), { runs: 60, warmup: 5 }));
      const floor = ctx.figure('GET /api/pairing one at a time', await ctx.time(() => get('/api/pairing'), { runs: 60, warmup: 5 }));
      ctx.ratio('people list / pairing status p50', list.p50 / floor.p50);
      for (const [what, path] of [
        ['people list', '/api/people'],
        ['pairing status', '/api/pairing'],
      ] as const) {
        const r = await autocannon({
          url: `https://127.0.0.1:${port}${path}`,
          connections: 10,
          duration: 5,
          headers,
          tlsOptions: { rejectUnauthorized: false },
        });
        if (r.non2xx > 0 || r.errors > 0) ctx.note(`${what}: ${r.non2xx} non-2xx, ${r.errors} errors under load`);
        ctx.value(`autocannon ${what} req/s (10 conns)`, r.requests.average, 'req/s');
        ctx.value(`autocannon ${what} latency p50`, r.latency.p50, 'ms');
      }
      ctx.note('shared 2-core machine with other helpers running: figures are noisy');
    } finally {
      agent.destroy();
      await app.close();
      memory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
