import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLogging } from '../../config/log.js';
import { type Config, type ConfigInput, configSchema } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { createSpeechOut, type SpeechOut } from '../../device/speech/index.js';
import { VirtualGlasses, type VirtualGlassesOptions } from '../../hardware/glasses-link/index.js';
import type { TextToSpeech } from '../../models/tts/engines.js';

// Link state changes are logged at info; tests only want warnings and errors.
configureLogging({ level: 'warn', levels: {}, format: 'json' });

/** A config for tests: an embedded broker on a free loopback port, fast reconnects. */
export function testConfig(over: ConfigInput = {}): Config {
  return configSchema.parse({
    ...over,
    mqtt: { port: 0, reconnectMs: 200, keepaliveSeconds: 5, ...over.mqtt },
    glasses: { deviceId: 'test-glasses', offlineAnswerWaitMs: 1500, playedTimeoutMs: 2000, ...over.glasses },
  });
}

export interface Rig {
  config: Config;
  bus: EventBus;
  speech: SpeechOut;
  glasses: VirtualGlasses;
  url: string;
  stop(): Promise<void>;
}

/** Runtime side (broker, link, queue) plus virtual glasses, all started. */
export async function startRig(
  opts: { config?: Config; tts?: TextToSpeech; glasses?: Partial<VirtualGlassesOptions>; startGlasses?: boolean } = {},
): Promise<Rig> {
  const config = opts.config ?? testConfig();
  const bus = new EventBus();
  const speech = createSpeechOut(config, { bus, tts: opts.tts });
  for (const p of speech.parts) await p.start(new AbortController().signal);
  const url = speech.broker ? speech.broker.url() : (config.mqtt.url as string);
  const glasses = new VirtualGlasses({
    access: { url, username: opts.glasses?.access?.username, password: opts.glasses?.access?.password },
    deviceId: config.glasses.deviceId,
    realtime: false,
    ...opts.glasses,
  });
  if (opts.startGlasses !== false) {
    const online = bus.once('test', 'glasses-online');
    await glasses.start();
    await online;
  }
  return {
    config,
    bus,
    speech,
    glasses,
    url,
    async stop() {
      await glasses.stop();
      for (const p of [...speech.parts].reverse()) await p.stop();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Mosquitto {
  url: string;
  port: number;
  proc: ChildProcess;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A real mosquitto on a loopback port with a password file and an ACL: the runtime
 * user may use all of mnemo/<device>/#, the glasses user may publish only its own topics.
 */
export async function startMosquitto(
  deviceId: string,
  users: Record<string, string>,
  tls?: { cert: string; key: string },
): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-mosquitto-'));
  const port = await freePort();
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const [user, pass] of Object.entries(users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', passwd, user, pass]);
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
  }
  const root = `mnemo/${deviceId}`;
  writeFileSync(
    join(dir, 'acl'),
    [
      'user mnemo',
      `topic readwrite ${root}/#`,
      '',
      'user glasses',
      `topic write ${root}/glasses/#`,
      `topic read ${root}/glasses/#`,
      `topic read ${root}/audio/#`,
      `topic read ${root}/volume`,
      `topic read ${root}/runtime/availability`,
      '',
    ].join('\n'),
  );
  const tlsLines: string[] = [];
  if (tls) {
    writeFileSync(join(dir, 'server.crt'), tls.cert);
    writeFileSync(join(dir, 'server.key'), tls.key, { mode: 0o600 });
    tlsLines.push(`certfile ${join(dir, 'server.crt')}`, `keyfile ${join(dir, 'server.key')}`);
  }
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      ...tlsLines,
      'allow_anonymous false',
      `password_file ${passwd}`,
      `acl_file ${join(dir, 'acl')}`,
      'persistence false',
      'user root',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const proc = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitForPort(port, () => stderr);
  return {
    url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    proc,
    dir,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, log: () => string): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}

/** Parses the WAV the virtual glasses wrote: header facts and sample count. */
export function readWavHeader(buf: Buffer): { rate: number; channels: number; bits: number; dataBytes: number } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV');
  if (buf.readUInt32LE(4) !== buf.length - 8) throw new Error('RIFF size does not match the file');
  return { channels: buf.readUInt16LE(22), rate: buf.readUInt32LE(24), bits: buf.readUInt16LE(34), dataBytes: buf.readUInt32LE(40) };
}
