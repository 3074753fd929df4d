import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MnemoError } from '../../config/errors.js';
import { validateConfig } from '../../config/load.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import { createTextToSpeech } from '../../models/tts/engines.js';
import { Controller } from '../controller.js';
import { buildRuntime } from '../runtime.js';
import { startVirtualGlasses } from '../runtime-glasses.js';
import { type DemoWorld, type PlayResult, playScenario, type TimelineEntry } from './player.js';
import { DemoLatency } from './report.js';
import { ScenarioClock } from './scenario-clock.js';
import { type LoadedScenario, loadScenario } from './scenario-schema.js';
import { ScriptedCamera, ScriptedMicrophone } from './scripted-devices.js';
import { renderView } from './views.js';

export const DEFAULT_SCENARIO = resolve(import.meta.dirname, 'scenario.yaml');

export interface DemoOptions {
  scenario?: string;
  out: string;
  /** Keep the memory here; default a fresh file in a temp dir. */
  memory?: string;
  /** The resolved base config (`--config` etc.); the demo lays its own settings over it. */
  config: Config;
  onEntry?: (e: TimelineEntry) => void;
}

export interface DemoReport {
  scenario: string;
  ok: boolean;
  result: PlayResult;
  latency: ReturnType<DemoLatency['summary']>;
  memoryPath: string;
  out: string;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The demo's settings over the user's: embedded broker on a free loopback port, a temp memory, the scenario's own settings. */
async function demoConfig(base: Config, loaded: LoadedScenario, memoryPath: string, work: string): Promise<Config> {
  const merged = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
  for (const [section, values] of Object.entries(loaded.scenario.config)) {
    merged[section] = { ...(merged[section] ?? {}), ...(values as Record<string, unknown>) };
  }
  merged.memory = { ...merged.memory, path: memoryPath };
  merged.mqtt = { ...merged.mqtt, embedded: true, host: '127.0.0.1', port: await freePort(), url: undefined };
  merged.review = { ...merged.review, host: '127.0.0.1', port: 0, certDir: join(work, 'review') };
  return validateConfig(merged, `${loaded.file} (config)`);
}

export async function runDemo(opts: DemoOptions): Promise<DemoReport> {
  const log = logger('mnemo:demo');
  const loaded = loadScenario(opts.scenario ?? DEFAULT_SCENARIO);
  const work = mkdtempSync(join(tmpdir(), 'mnemo-demo-'));
  const memoryPath = opts.memory ? resolve(opts.memory) : join(work, 'memory.db');
  const out = resolve(opts.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const config = await demoConfig(opts.config, loaded, memoryPath, work);

  const clock = new ScenarioClock(Date.parse(loaded.scenario.start));
  const camera = new ScriptedCamera(config.camera.fps);
  const microphone = new ScriptedMicrophone();
  const runtime = buildRuntime(config, { clock, camera, microphone, configFile: join(work, 'mnemo.yaml') });
  const latency = new DemoLatency(runtime.bus);
  const controller = new Controller(runtime.parts);
  // The wearer's voice: another engine voice than mnemo's, made at run time.
  const wearer = createTextToSpeech('flite', 'rms');
  const views = new Map<string, Awaited<ReturnType<typeof renderView>>>();
  let glasses: Awaited<ReturnType<typeof startVirtualGlasses>> | undefined;
  try {
    await controller.start();
    glasses = await startVirtualGlasses(config, join(out, 'glasses'), runtime.glasses()?.url());
    await wearer.load();
    const world: DemoWorld = {
      bus: runtime.bus,
      memory: runtime.memory(),
      camera,
      microphone,
      clock,
      async view(key) {
        let v = views.get(key);
        if (!v) {
          const spec = loaded.scenario.views[key];
          if (!spec) throw new MnemoError('scenario-invalid', `no view ${key}`);
          v = await renderView(spec, loaded.photoPath(spec.photo, config.models.dir));
          views.set(key, v);
        }
        return v;
      },
      speak: (text) => wearer.synthesize(text),
      button: (action) => (glasses as NonNullable<typeof glasses>).button(action),
      whispers: () => (glasses as NonNullable<typeof glasses>).received(),
      setPlace: (label) => {
        runtime.place.current = label;
      },
    };
    const result = await playScenario(loaded, world, opts.onEntry);
    const ok = result.checks.every((c) => c.ok) && result.wrongNames.length === 0;
    const report: DemoReport = { scenario: loaded.scenario.name, ok, result, latency: latency.summary(), memoryPath, out };
    writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    latency.dispose();
    await wearer.dispose().catch(() => {});
    await glasses?.stop().catch((err: unknown) => log.warn({ err }, 'virtual glasses did not stop'));
    await controller.stop();
    if (!opts.memory) rmSync(work, { recursive: true, force: true });
  }
}
