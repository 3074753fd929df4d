import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import { brokerAccess, parseGlassesScript, runGlassesScript, type ScriptStep, VirtualGlasses } from '../../hardware/glasses-link/index.js';
import { commandConfig } from '../cli-context.js';

interface SimulateOptions {
  mqttUrl?: string;
  out: string;
  script?: string;
  device?: string;
  battery: string;
  username?: string;
  password?: string;
  realtime: boolean;
}

const KEYS = 'space: press/release (push-to-talk)  l: long-press  d: double-press  +/-: battery  c: charging  x: crash  q: quit';

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

function say(line: string): void {
  process.stdout.write(`${stamp()}  ${line}\n`);
}

/**
 * `mnemo glasses simulate`: be the glasses in a separate process. Availability with
 * a last will and battery are published; keys on a TTY (or a scripted timeline)
 * become button events; every received stream is written as a WAV into --out and
 * its text printed with a timestamp; `played` is reported when it would have ended.
 */
export function registerGlasses(program: Command): void {
  const glasses = program.command('glasses').description('the glasses end of the link');
  glasses
    .command('simulate')
    .description('run virtual glasses: button from keys or --script, audio to WAV files, text printed')
    .option('--mqtt-url <url>', 'broker URL (default: mqtt.url, or the embedded broker of `mnemo start`)')
    .option('--out <dir>', 'folder for one WAV per received stream', 'glasses-out')
    .option('--script <file>', 'a timeline of "<seconds> <step>" lines instead of keys')
    .option('--device <id>', 'device id (default glasses.deviceId)')
    .option('--battery <percent>', 'battery level to start with', '80')
    .option('--username <user>', 'broker username of the glasses (default mqtt.username)')
    .option('--password <password>', 'broker password of the glasses (default mqtt.password)')
    .option('--no-realtime', 'report `played` as soon as a stream ends, not after its duration')
    .action(async (opts: SimulateOptions, cmd: Command) => {
      const config = commandConfig(cmd);
      const percent = Number(opts.battery);
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
        throw new MnemoError('invalid-argument', `--battery must be 0-100, not "${opts.battery}"`);
      }
      const steps: ScriptStep[] | undefined = opts.script ? parseGlassesScript(readScript(opts.script), opts.script) : undefined;
      const access = brokerAccess(config.mqtt, { url: opts.mqttUrl });
      if (opts.username !== undefined) access.username = opts.username;
      if (opts.password !== undefined) access.password = opts.password;
      const deviceId = opts.device ?? config.glasses.deviceId;
      const out = resolve(opts.out);
      const vg = new VirtualGlasses({ access, deviceId, out, realtime: opts.realtime, battery: { percent, charging: false } });
      vg.on('connected', () => say(`online on ${access.url} as ${deviceId}`));
      vg.on('disconnected', () => say('connection lost (reconnecting)'));
      vg.on('audio-start', (s) => say(`> ${s.streamId} "${s.text}"`));
      vg.on('stream', (s) =>
        say(`  ${s.streamId} ${(s.durationMs / 1000).toFixed(2)} s${s.reason === 'end' ? '' : ` (${s.reason})`} -> ${s.wavPath}`),
      );
      vg.on('played', (id) => say(`  ${id} played`));
      vg.on('volume', (v) => say(`volume ${Math.round(v * 100)}%`));
      vg.on('invalid', (topic, reason) => say(`ignored a bad message on ${topic}: ${reason}`));
      await vg.start();

      const done = new AbortController();
      const quit = () => done.abort();
      process.once('SIGINT', quit);
      process.once('SIGTERM', quit);
      try {
        if (steps) {
          const end = await runGlassesScript(vg, steps, { signal: done.signal, onStep: (s) => say(`script: ${describeStep(s)}`) });
          if (end === 'quit' || end === 'crash') done.abort();
        } else if (process.stdin.isTTY) {
          process.stderr.write(`${KEYS}\n`);
          readKeys(vg, done);
        }
        if (!done.signal.aborted) await new Promise((r) => done.signal.addEventListener('abort', r));
      } finally {
        process.off('SIGINT', quit);
        process.off('SIGTERM', quit);
        if (process.stdin.isTTY) process.stdin.setRawMode(false);
        process.stdin.pause();
        await vg.stop();
      }
    });
}

function readScript(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MnemoError('invalid-argument', `cannot read --script ${file}`, { cause });
  }
}

function describeStep(s: ScriptStep): string {
  if (s.kind === 'button') return s.action;
  if (s.kind === 'battery') return `battery ${s.percent}%${s.charging ? ' charging' : ''}`;
  return s.kind;
}

function readKeys(vg: VirtualGlasses, done: AbortController): void {
  let held = false;
  process.stdin.setRawMode(true);
  process.stdin.resume();
  process.stdin.on('data', (data: Buffer) => {
    const key = data.toString('utf8');
    const press = (action: 'press' | 'release' | 'long-press' | 'double-press') => {
      say(`button ${action}`);
      vg.press(action).catch((err: Error) => say(`not sent: ${err.message}`));
    };
    const battery = vg.battery();
    if (key === ' ') {
      held = !held;
      press(held ? 'press' : 'release');
    } else if (key === 'l') press('long-press');
    else if (key === 'd') press('double-press');
    else if (key === '+' || key === '-') {
      const percent = battery.percent + (key === '+' ? 5 : -5);
      void vg.setBattery(percent).then(
        () => say(`battery ${vg.battery().percent}%`),
        () => {},
      );
    } else if (key === 'c') {
      void vg.setBattery(battery.percent, !battery.charging).then(
        () => say(`charging ${vg.battery().charging}`),
        () => {},
      );
    } else if (key === 'x') {
      say('crash: dropping the connection (the broker sends the last will)');
      vg.crash();
      done.abort();
    } else if (key === 'q' || key === '\u0003') done.abort();
  });
}
