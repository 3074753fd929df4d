import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../device/broker/embedded-broker.js';
import { glassesTopics } from '../../hardware/glasses-link/index.js';
import { readWavHeader } from './helpers.js';

/*
 * The two commands as separate processes, as a user runs them: `mnemo glasses
 * simulate` with a script, and `mnemo say` speaking to it through a broker.
 */

const DEVICE = 'cli-glasses';
const env = { ...process.env, MNEMO_GLASSES__DEVICE_ID: DEVICE, MNEMO_LOG__LEVEL: 'warn' };
const cli = (args: string[], extra: Record<string, string> = {}): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'device/cli.ts', ...args], {
    cwd: process.cwd(),
    env: { ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

let broker: EmbeddedBroker;
let work: string;

beforeAll(async () => {
  broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0 });
  await broker.start();
  work = mkdtempSync(join(tmpdir(), 'mnemo-cli-glasses-'));
});

afterAll(async () => {
  await broker.stop();
  rmSync(work, { recursive: true, force: true });
});

function collect(p: ChildProcess): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  p.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  p.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { out: () => out, err: () => err };
}

async function until(what: () => boolean, ms: number, describe: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Concurrent: each test spawns CLI processes whose start-up dominates; they use different device ids.
describe.concurrent('mnemo glasses simulate + mnemo say', () => {
  it('say reaches the simulated glasses, which write a WAV, print the text, report played and send scripted buttons', async () => {
    const t = glassesTopics(DEVICE);
    const watcher = await mqtt.connectAsync(broker.url(), { clientId: 'watcher' });
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => void seen.push(`${topic} ${payload.toString()}`));
    await watcher.subscribeAsync([t.button, t.battery, t.glassesAvailability, t.played], { qos: 1 });

    const script = join(work, 'script.txt');
    writeFileSync(script, '# presses while mnemo talks\n0.2 press\n0.4 release\n0.6 battery 9\n');
    const out = join(work, 'wav');
    const sim = cli(['glasses', 'simulate', '--mqtt-url', broker.url(), '--out', out, '--script', script, '--no-realtime']);
    const simLog = collect(sim);
    await until(
      () => /online on/.test(simLog.out()),
      30_000,
      () => simLog.out() + simLog.err(),
    );

    const say = cli(['say', 'Hello from the command line. Second sentence.', '--mqtt-url', broker.url(), '--json']);
    const sayLog = collect(say);
    const code = await new Promise<number | null>((r) => say.once('exit', r));
    expect(code, sayLog.err()).toBe(0);
    const result = JSON.parse(sayLog.out()) as { outcome: string; streamId: string; engine: string };
    expect(result).toMatchObject({ outcome: 'played', engine: 'flite' });

    await until(
      () => simLog.out().includes(`${result.streamId} played`),
      10_000,
      () => simLog.out(),
    );
    expect(simLog.out()).toContain('"Hello from the command line. Second sentence."');
    const wavLine = new RegExp(`${result.streamId} [0-9.]+ s -> (\\S+\\.wav)`).exec(simLog.out());
    expect(wavLine).not.toBeNull();
    const wav = readFileSync(wavLine?.[1] as string);
    expect(readWavHeader(wav)).toMatchObject({ rate: 16_000, channels: 1, bits: 16 });
    expect(wav.length).toBeGreaterThan(16_000);

    await until(
      () => seen.some((s) => s.startsWith(t.battery) && s.includes('"percent":9')),
      10_000,
      () => seen.join('\n'),
    );
    expect(seen).toContain(`${t.button} {"type":"button","action":"press"}`);
    expect(seen).toContain(`${t.button} {"type":"button","action":"release"}`);
    expect(seen).toContain(`${t.played} {"type":"played","streamId":"${result.streamId}"}`);

    sim.kill('SIGTERM');
    await new Promise((r) => sim.once('exit', r));
    await until(
      () => seen.includes(`${t.glassesAvailability} offline`),
      5000,
      () => seen.join('\n'),
    );
    await watcher.endAsync();
    expect(existsSync(out)).toBe(true);
  });

  it('say with no glasses online fails with glasses-offline', async () => {
    const say = cli(['say', 'Anyone there?', '--mqtt-url', broker.url()], {
      MNEMO_GLASSES__OFFLINE_ANSWER_WAIT_MS: '300',
      MNEMO_GLASSES__DEVICE_ID: 'nobody-here',
    });
    const log = collect(say);
    const code = await new Promise<number | null>((r) => say.once('exit', r));
    expect(code).toBe(1);
    expect(log.err()).toMatch(/glasses-offline/);
  });
});
