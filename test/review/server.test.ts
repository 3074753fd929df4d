import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import type { Whisper, WhisperSink } from '../../device/contracts.js';
import { createReviewServer } from '../../device/review/server.js';
import { openMemory, type SqliteMemory } from '../../memory/index.js';
import { ManualClock } from './fixture.js';

function fetchPage(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { rejectUnauthorized: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, fingerprint: cert.fingerprint256 }));
    });
    req.on('error', reject);
  });
}

/** A whisper sink that records what it was asked to say (the real queue is the glasses-link's). */
class RecordingWhisper implements WhisperSink {
  said: Whisper[] = [];
  async say(w: Whisper) {
    this.said.push(w);
    return { streamId: String(this.said.length), outcome: 'played' as const };
  }
  isSpeaking = () => false;
  lastText = () => this.said.at(-1)?.text;
  setVolume() {}
  volume = () => 1;
}

/** Page updates wait on fetches; a loaded 2-core CI needs more than vitest's 1 s default. */
const POLL = { timeout: 20_000, interval: 100 };

describe('review server as a runtime part', () => {
  let dir: string;
  let memory: SqliteMemory;
  const bus = new EventBus();
  const whisper = new RecordingWhisper();
  const clock = new ManualClock(Date.now());
  const abort = new AbortController();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mnemo-review-part-'));
    memory = openMemory({ path: join(dir, 'memory.db'), clock });
  });
  afterAll(() => {
    memory.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () => configSchema.parse({ review: { certDir: join(dir, 'cert'), port: 0 } });

  it('generates a certificate once, serves the app over HTTPS with a strict CSP, and keeps the certificate across restarts', async () => {
    const server = createReviewServer({ config: config(), memory, bus, whisper, clock, configFile: join(dir, 'mnemo.yaml') });
    await server.start(abort.signal);
    const certPem = readFileSync(join(dir, 'cert', 'review-cert.pem'), 'utf8');
    expect(statSync(join(dir, 'cert', 'review-key.pem')).mode & 0o077).toBe(0);
    expect(server.fingerprint()).toBe(new X509Certificate(certPem).fingerprint256);
    expect(server.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetchPage(server.url());
    expect(page.status).toBe(200);
    expect(page.fingerprint).toBe(server.fingerprint());
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect(page.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    const app = await fetchPage(`${server.url()}app.js`);
    expect(app.status).toBe(200);
    expect(app.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const first = server.fingerprint();
    await server.stop();

    const again = createReviewServer({ config: config(), memory, bus, whisper, clock });
    await again.start(abort.signal);
    expect(again.fingerprint()).toBe(first);
    await again.stop();
  });

  it('a long press on the glasses button speaks a code; the voice stage gets startPairing and revokeAll', async () => {
    const server = createReviewServer({ config: config(), memory, bus, whisper, clock });
    await server.start(abort.signal);
    try {
      const announced = bus.once('t', 'pairing-code');
      bus.emit('button', { at: 0, action: 'long-press' });
      const { code } = await announced;
      await expect.poll(() => whisper.said.length, POLL).toBe(1);
      expect(whisper.said[0]).toMatchObject({ priority: 'system' });
      expect(whisper.said[0]?.text.replace(/\D/g, '')).toBe(code);
      bus.emit('button', { at: 0, action: 'press' });
      expect(whisper.said).toHaveLength(1);

      // "Say it in my glasses" on the pairing page: the start of the real fingerprint.
      const res = await server.app?.inject({ method: 'POST', url: '/api/pairing/fingerprint', headers: { 'x-csrf-token': 'p' } });
      expect(res?.statusCode).toBe(202);
      await expect.poll(() => whisper.said.length, POLL).toBe(2);
      const heard = (whisper.said[1]?.text.match(/[0-9A-F]/g) ?? []).join('');
      expect(heard).toBe(server.fingerprint().replace(/:/g, '').slice(0, 16));

      const voice = server.startPairing();
      const session = server.pairing.pair(voice.code, { name: 'p', userAgent: 'u' });
      expect(session.phone.name).toBe('p');
      expect(server.revokeAll()).toBe(1);
      expect(memory.phones.list()).toEqual([]);
    } finally {
      await server.stop();
    }
    expect(bus.listenerCount('button')).toBe(0);
  });
});
