import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { GlassesLink } from '../../hardware/glasses-link/index.js';
import { type Mosquitto, startMosquitto, startRig, testConfig } from './helpers.js';

/* An external broker over TLS: mqtts:// with the CA from mqtt.caFile, plus username and password. */

const DEVICE = 'tls-glasses';
const USERS = { mnemo: 'runtime-secret', glasses: 'glasses-secret' };
let broker: Mosquitto;
let work: string;
let caFile: string;
let cert: string;

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'mnemo test broker' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  cert = pems.cert;
  work = mkdtempSync(join(tmpdir(), 'mnemo-tls-'));
  caFile = join(work, 'ca.pem');
  writeFileSync(caFile, cert);
  broker = await startMosquitto(DEVICE, USERS, { cert, key: pems.private });
});

afterAll(async () => {
  await broker?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('glasses link over TLS (mosquitto)', () => {
  it('speaks to the glasses through mqtts:// with the configured CA', async () => {
    const rig = await startRig({
      config: testConfig({
        glasses: { deviceId: DEVICE },
        mqtt: { embedded: false, url: broker.url, caFile, username: 'mnemo', password: USERS.mnemo },
      }),
      glasses: { access: { url: broker.url, ca: Buffer.from(cert), username: 'glasses', password: USERS.glasses } },
    });
    try {
      const r = await rig.speech.queue.say({ text: 'Encrypted hello.', priority: 'answer' });
      expect(r.outcome).toBe('played');
    } finally {
      await rig.stop();
    }
  });

  it('without the CA the broker certificate is refused: mqtt-unavailable', async () => {
    const link = new GlassesLink({
      access: { url: broker.url, username: 'mnemo', password: USERS.mnemo },
      deviceId: DEVICE,
      connectTimeoutMs: 3000,
    });
    const err = await link.start().catch((e: unknown) => e);
    expect(isMnemoError(err, 'mqtt-unavailable')).toBe(true);
    expect((err as Error).message).toMatch(/self[- ]signed|certificate/i);
  });
});
