import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import { brokerUrl } from '../../hardware/glasses-link/index.js';
import { EventBus } from '../bus.js';
import { commandConfig, output } from '../cli-context.js';
import type { WhisperPriority } from '../contracts.js';
import { createGlassesLink, createWhisperQueue } from '../speech/index.js';

interface SayOptions {
  voice?: string;
  engine?: 'flite' | 'espeak-ng' | 'say';
  mqttUrl?: string;
  priority: WhisperPriority;
  json?: boolean;
}

/**
 * `mnemo say TEXT`: one whisper through the broker to the glasses, the quickest check
 * of the speaker and the link. It connects as a one-shot client (no availability, no
 * last will, its own client id), so a running `mnemo start` is not disturbed.
 */
export function registerSay(program: Command): void {
  program
    .command('say <text>')
    .description('speak a text to the glasses through the MQTT broker')
    .option('--voice <voice>', 'engine voice (flite: kal16, kal, slt, awb, rms; espeak-ng: en-us, cmn, ...)')
    .option('--engine <engine>', 'flite | espeak-ng | say')
    .option('--mqtt-url <url>', 'broker URL (default: mqtt.url, or the embedded broker of `mnemo start`)')
    .option('--priority <p>', 'answer | recall | system', 'answer')
    .option('--json', 'print the result as JSON')
    .action(async (text: string, opts: SayOptions, cmd: Command) => {
      if (!['answer', 'recall', 'system'].includes(opts.priority)) {
        throw new MnemoError('invalid-argument', `--priority must be answer, recall or system, not "${opts.priority}"`);
      }
      const speech: Record<string, unknown> = {};
      if (opts.voice) speech.voice = opts.voice;
      if (opts.engine) speech.engine = opts.engine;
      const config = commandConfig(cmd, { speech });
      const url = opts.mqttUrl ?? brokerUrl(config.mqtt);
      const bus = new EventBus();
      const glasses = createGlassesLink(config, { bus, url: () => url, announce: false });
      const queue = createWhisperQueue(config, { bus, link: glasses });
      let firstChunkMs: number | undefined;
      const t0 = performance.now();
      bus.on('say', 'audio-first-chunk', (e) => {
        firstChunkMs = e.at - t0;
      });
      const signal = new AbortController().signal;
      await glasses.start(signal);
      try {
        await queue.start();
        const result = await queue.say({ text, priority: opts.priority });
        const summary = {
          ...result,
          engine: queue.engine,
          voice: queue.voice,
          firstChunkMs: firstChunkMs && Math.round(firstChunkMs),
          url,
        };
        if (result.outcome === 'dropped' && result.reason === 'offline') {
          throw new MnemoError('glasses-offline', `no glasses online on ${url} (device ${config.glasses.deviceId})`, {
            fix: 'start the glasses, or `mnemo glasses simulate` in another terminal',
          });
        }
        output(
          opts.json,
          summary,
          () =>
            `${result.outcome}${result.reason ? ` (${result.reason})` : ''}: stream ${result.streamId}` +
            (summary.firstChunkMs !== undefined ? `, first chunk after ${summary.firstChunkMs} ms` : ''),
        );
        if (result.outcome !== 'played') process.exitCode = 1;
      } finally {
        await queue.stop();
        await glasses.stop();
      }
    });
}
