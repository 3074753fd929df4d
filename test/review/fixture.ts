import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { type Config, configSchema } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { Clock, WhisperSink } from '../../device/contracts.js';
import { buildReviewApp } from '../../device/review/app.js';
import { ensureCertificate } from '../../device/review/cert.js';
import { PairingService } from '../../device/review/pairing.js';
import { SESSION_COOKIE } from '../../device/review/security.js';
import { openMemory, type SqliteMemory } from '../../memory/index.js';
import { BBT_FACES } from '../helpers/models.js';

/** A clock the test moves by hand (code expiry, lockout). */
export class ManualClock implements Clock {
  constructor(public t = Date.UTC(2026, 2, 3, 10, 0, 0)) {}
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface ReviewFixture {
  dir: string;
  config: Config;
  configFile: string;
  memory: SqliteMemory;
  bus: EventBus;
  clock: ManualClock;
  pairing: PairingService;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function reviewFixture(
  opts: {
    config?: Record<string, unknown>;
    webDir?: string;
    https?: boolean;
    whisper?: WhisperSink;
    clock?: ManualClock;
    bus?: EventBus;
  } = {},
): Promise<ReviewFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-review-'));
  const clock = opts.clock ?? new ManualClock();
  const config = configSchema.parse({
    memory: { path: join(dir, 'memory.db') },
    review: { certDir: join(dir, 'cert'), port: 0 },
    ...opts.config,
  });
  const memory = openMemory({ path: config.memory.path, clock });
  const bus = opts.bus ?? new EventBus();
  const https = opts.https ? await ensureCertificate(config.review.certDir) : undefined;
  const pairing = new PairingService({
    memory,
    bus,
    clock,
    whisper: opts.whisper,
    fingerprint: () => https?.fingerprint ?? 'AA:BB',
    sessionDays: config.review.sessionDays,
  });
  const configFile = join(dir, 'mnemo.yaml');
  const app = await buildReviewApp({ config, memory, bus, clock, pairing, configFile, webDir: opts.webDir, https });
  return {
    dir,
    config,
    configFile,
    memory,
    bus,
    clock,
    pairing,
    app,
    async close() {
      await app.close();
      memory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pairs through the real HTTP route; returns the cookie and CSRF header to send afterwards. */
export async function pairPhone(
  f: ReviewFixture,
  name = 'test phone',
): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }> {
  const { code } = f.pairing.startPairing('phone');
  const res = await f.app.inject({
    method: 'POST',
    url: '/api/pairing',
    headers: { 'x-csrf-token': 'pairing', 'user-agent': 'vitest' },
    payload: { code, name },
  });
  if (res.statusCode !== 200) throw new Error(`pairing failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res);
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'x-csrf-token': csrf } };
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie');
  return c.value;
}

export const BBT_PEOPLE = readdirSync(BBT_FACES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** A JPEG thumbnail made from a real face crop of the BBT set. */
export async function faceThumbnail(person: string, n = 1): Promise<Buffer> {
  const file = readdirSync(join(BBT_FACES, person)).sort()[n - 1] as string;
  return sharp(join(BBT_FACES, person, file))
    .resize(160, 160, { fit: 'cover' })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * Embeddings are placeholders here: the review server never compares them, it only shows,
 * moves and deletes them. Seeded so every run stores the same bytes.
 */
export function placeholderEmbedding(seed: number, dim = 128): Float32Array {
  const v = new Float32Array(dim);
  let x = seed * 2654435761;
  for (let i = 0; i < dim; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    v[i] = x / 2 ** 31 - 0.5;
  }
  const norm = Math.hypot(...v);
  return v.map((e) => e / norm);
}

const capitalised = (s: string) => s[0]?.toUpperCase() + s.slice(1);

/** The eight BBT people enrolled with a real face thumbnail, a meeting and a note each. */
export async function seedBbt(memory: SqliteMemory, at: number): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [i, who] of BBT_PEOPLE.entries()) {
    const { person } = memory.people.enroll({
      name: capitalised(who),
      samples: [
        { modelId: 'dlib-128', embedding: placeholderEmbedding(i + 1), quality: 0.9, thumbnail: await faceThumbnail(who), capturedAt: at },
      ],
      encounter: { source: 'face', place: i % 2 ? 'the robotics meetup' : 'the comic book store', startedAt: at - i * 86_400_000 },
      note: `${capitalised(who)} likes ${['chess', 'drones', 'trains', 'karaoke', 'physics', 'baking', 'comics', 'hiking'][i % 8]}`,
    });
    ids.set(capitalised(who), person.id);
  }
  return ids;
}
