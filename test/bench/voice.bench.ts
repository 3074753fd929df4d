import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { systemClock } from '../../device/contracts.js';
import type { MnemoEvents } from '../../device/events.js';
import { commandGrammar } from '../../device/intents/grammar.js';
import { createGlassesParts } from '../../device/runtime-glasses.js';
import { createVoiceStage } from '../../device/voice/voice-stage.js';
import { brokerAccess, VirtualGlasses } from '../../hardware/glasses-link/index.js';
import { openMemory } from '../../memory/index.js';
import { ModelStore } from '../../models/store.js';
import { createSpeechToText } from '../../models/stt/index.js';
import { SileroVad } from '../../models/vad/index.js';
import { espeak, PushMicrophone, silence } from '../voice/helpers/audio.js';
import type { Benchmark } from './harness.js';

/*
 * End of the wearer's speech to the first answer audio on the virtual glasses, for
 * spoken commands: eSpeak NG speech, button presses from the virtual glasses over
 * MQTT (embedded broker on loopback), the real Silero VAD, speech to text, intent
 * and answer path, whisper queue, Flite and the glasses link. Push-to-talk: the
 * button release is the end of speech. Stage split from the bus events.
 */

const COMMANDS = [
  'who is this',
  'where did I meet Ana',
  'when did I last see Tom',
  'what do I know about Ana',
  'louder',
  'quieter',
  'repeat that',
  'shorter',
  'more detail',
  'pair my phone',
];

const bench: Benchmark = {
  description:
    'voice: end of speech to first answer audio on the virtual glasses over 10 spoken commands (push-to-talk over MQTT); stage split; STT real-time factor grammar vs dictation',
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-voice-bench-'));
    const config = defaultConfig();
    config.voice.stt = 'pocketsphinx';
    config.mqtt.embedded = true;
    config.mqtt.port = 0;
    const store = new ModelStore(config.models.dir);
    const memory = openMemory({ path: join(dir, 'memory.db') });
    const ana = memory.people.create('Ana Lima');
    memory.encounters.start(ana.id, { source: 'face', place: 'the robotics meetup', at: Date.now() - 30 * 86_400_000 });
    memory.notes.add({ personId: ana.id, text: 'works on drones' });
    const tom = memory.people.create('Tom Baker');
    memory.encounters.start(tom.id, { source: 'face', place: 'the bakery', at: Date.now() - 2 * 86_400_000 });
    const bus = new EventBus();
    const abort = new AbortController();
    const out = createGlassesParts({ config, bus, clock: systemClock });
    for (const p of out.parts) await p.start(abort.signal);
    const online = bus.once('bench', 'glasses-online');
    const glasses = new VirtualGlasses({
      access: brokerAccess(config.mqtt, { url: out.url() }),
      deviceId: config.glasses.deviceId,
      realtime: false,
    });
    await glasses.start();
    await online;
    const stt = await createSpeechToText(config, store);
    const vad = await SileroVad.load(store);
    const mic = new PushMicrophone();
    const pairing = { startPairing: () => ({ code: '481526', expiresAt: Date.now() + 60_000 }), revokeAll: () => 0, fingerprint: () => '' };
    const faces = {
      personInView: () => ({ personId: ana.id, trackId: 't' }),
      enrollFaceInView: async () => ({ ok: false as const, reason: 'no-face' as const, message: '' }),
    };
    const stage = createVoiceStage({
      config,
      bus,
      memory,
      stt,
      vad,
      microphone: mic,
      whisper: out.whisper,
      faces,
      pairing,
      clock: systemClock,
    });
    await stage.start(abort.signal);
    const speech = COMMANDS.map((c) => espeak(c));
    const total: number[] = [];
    const fromRelease: number[] = [];
    const split: Record<string, number[]> = {
      'release to vad-end (button over MQTT)': [],
      stt: [],
      'intent + answer': [],
      'answer to first chunk on the glasses (TTS + MQTT)': [],
    };
    let recognised = 0;
    try {
      for (let round = 0; round < 3; round++) {
        for (const [i, pcm] of speech.entries()) {
          const got: Partial<{ [K in keyof MnemoEvents]: MnemoEvents[K] }> = {};
          for (const e of ['vad-end', 'stt-start', 'stt-end', 'answer-end'] as const)
            void bus.once('bench', e).then((p) => Object.assign(got, { [e]: p }));
          const first = new Promise<number>((resolve) => glasses.once('first-chunk', (_id, at) => resolve(at)));
          const listening = bus.once('bench', 'listen-start');
          await glasses.press('press');
          await listening;
          mic.feed(silence(0.2));
          mic.feed(pcm);
          await mic.drained();
          const released = performance.now();
          await glasses.press('release');
          const audioAt = await first;
          // Let the whisper finish so the next command does not interrupt it.
          await new Promise((r) => setTimeout(r, 50));
          const { 'vad-end': end, 'stt-start': s0, 'stt-end': s1, 'answer-end': a1 } = got;
          if (!end || !s0 || !s1 || !a1) continue;
          if (round === 0 && s1.transcript === COMMANDS[i]?.toLowerCase()) recognised++;
          total.push(audioAt - end.at);
          fromRelease.push(audioAt - released);
          split['release to vad-end (button over MQTT)']?.push(end.at - released);
          split.stt?.push(s1.at - s0.at);
          split['intent + answer']?.push(a1.at - s1.at);
          split['answer to first chunk on the glasses (TTS + MQTT)']?.push(audioAt - a1.at);
        }
      }
      const f = ctx.figure('end of speech (vad-end) to first chunk on the glasses', total);
      ctx.figure('button release on the glasses to first chunk on the glasses', fromRelease);
      for (const [k, v] of Object.entries(split)) ctx.figure(`  ${k}`, v);
      ctx.ratio('p50 / 700 ms target', f.p50 / 700);
      ctx.note(`commands recognised word for word by ${stt.engine}: ${recognised}/${COMMANDS.length}`);
      ctx.note('with VAD ending instead of a release, add voice.silenceMs (default 700 ms) of waiting for silence');
      // Real-time factor of the speech to text, command grammar vs free dictation, on the same clips.
      const grammar = commandGrammar(memory.people.list());
      const rtf = async (withGrammar: boolean) => {
        const r: number[] = [];
        for (const pcm of speech) {
          const t = performance.now();
          await stt.transcribe(pcm, withGrammar ? { grammar } : {});
          r.push((performance.now() - t) / ((pcm.length / 16000) * 1000));
        }
        return r;
      };
      const g = ctx.figure('STT real-time factor, grammar', await rtf(true), 'x');
      const d = ctx.figure('STT real-time factor, dictation', await rtf(false), 'x');
      ctx.ratio('grammar / dictation RTF', g.p50 / d.p50);
      ctx.note('shared 2-core machine with other work running: figures are noisy');
    } finally {
      abort.abort();
      await stage.stop();
      await glasses.stop();
      for (const p of out.parts.slice().reverse()) await p.stop();
      await vad.dispose();
      memory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
