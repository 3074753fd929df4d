import { configureLogging } from '../../config/log.js';
import { configSchema } from '../../config/schema.js';
import { EventBus } from '../../device/bus.js';
import { createSpeechOut } from '../../device/speech/index.js';
import { VirtualGlasses } from '../../hardware/glasses-link/index.js';
import { createTextToSpeech, splitSentences, type TtsEngineName } from '../../models/tts/engines.js';
import type { Benchmark } from './harness.js';

/*
 * Text to the first audio chunk received by the virtual glasses, through a real
 * (embedded aedes) broker on loopback: the runtime's whisper queue, sentence
 * splitting, synthesis, bone-conduction filter, MQTT, the glasses' client. One
 * one-sentence recall per run, 20 different sentences, for each engine side by side;
 * then each engine's real-time factor (synthesis time / audio duration).
 */

const RECALLS = [
  'Ana Lima, met at the robotics meetup.',
  'Bob Stone, he builds wooden boats.',
  'Carla Diaz, your dentist since last spring.',
  'Dana Whitfield, from the climbing gym.',
  'Eli Park, Mia’s violin teacher.',
  'Farid Haddad, met at the harbour festival.',
  'Grace Kim, works on drones with Ana.',
  'Hugo Martin, the baker on Elm Street.',
  'Ines Costa, met at Tom’s birthday.',
  'Jonas Berg, owes you a coffee.',
  'Kara Singh, runs the book club.',
  'Liam O’Neil, met on the train to Porto.',
  'Maya Cohen, your neighbour at number six.',
  'Nils Olsen, plays chess in the park.',
  'Olga Petrova, met at the conference in March.',
  'Pablo Ruiz, fixed your bicycle.',
  'Quinn Taylor, from the pottery class.',
  'Rosa Alves, Ana’s sister.',
  'Sam Whitfield, Dana’s brother.',
  'Tara Nowak, met at the job fair.',
];

const ENGINES: TtsEngineName[] = ['flite', 'espeak-ng', 'say'];

async function firstChunkTimes(engine: TtsEngineName, ctx: Parameters<Benchmark['run']>[0]): Promise<number[]> {
  const config = configSchema.parse({
    mqtt: { port: 0 },
    glasses: { deviceId: 'bench-glasses' },
    speech: { engine, dedupeSeconds: 0 },
  });
  const bus = new EventBus();
  const speech = createSpeechOut(config, { bus });
  for (const p of speech.parts) await p.start(new AbortController().signal);
  const glasses = new VirtualGlasses({ access: { url: speech.broker?.url() as string }, deviceId: 'bench-glasses', realtime: false });
  const online = bus.once('bench', 'glasses-online');
  await glasses.start();
  await online;
  const times: number[] = [];
  try {
    const one = async (text: string) => {
      const t0 = performance.now();
      const first = new Promise<number>((resolve) => glasses.once('first-chunk', (_id, at) => resolve(at)));
      const result = await speech.queue.say({ text, priority: 'recall' });
      if (result.outcome !== 'played') throw new Error(`${engine}: ${result.outcome} ${result.reason ?? ''}`);
      return (await first) - t0;
    };
    // Warm-up: worker compile, festival voice, page cache.
    await one('Warming up.');
    await one('Still warming up.');
    for (const text of RECALLS) times.push(await one(text));
  } finally {
    await glasses.stop();
    for (const p of [...speech.parts].reverse()) await p.stop();
  }
  ctx.note(`${engine}: ${speech.queue.voice}`);
  return times;
}

async function realTimeFactors(engine: TtsEngineName): Promise<number[]> {
  const tts = createTextToSpeech(engine);
  await tts.load();
  const out: number[] = [];
  try {
    await tts.synthesize('Warming up.');
    for (const text of RECALLS) {
      const t0 = performance.now();
      const pcm = await tts.synthesize(text);
      out.push((performance.now() - t0) / ((pcm.length / 16_000) * 1000));
    }
  } finally {
    await tts.dispose();
  }
  return out;
}

const bench: Benchmark = {
  description:
    'speech out: text to first audio chunk on the virtual glasses through the broker (p50 of 20 recalls), Flite vs eSpeak NG vs say; RTF',
  async run(ctx) {
    configureLogging({ level: 'warn', levels: {}, format: 'json' });
    const p50: Record<string, number> = {};
    const rtf: Record<string, number> = {};
    for (const engine of ENGINES) {
      p50[engine] = ctx.figure(`first chunk ${engine}`, await firstChunkTimes(engine, ctx)).p50;
    }
    for (const engine of ENGINES) {
      rtf[engine] = ctx.figure(`RTF ${engine}`, await realTimeFactors(engine), 'x').p50;
    }
    ctx.ratio('first chunk flite / espeak-ng', (p50.flite as number) / (p50['espeak-ng'] as number));
    ctx.ratio('first chunk flite / say', (p50.flite as number) / (p50.say as number));
    ctx.ratio('RTF flite / espeak-ng', (rtf.flite as number) / (rtf['espeak-ng'] as number));
    ctx.ratio('RTF flite / say', (rtf.flite as number) / (rtf.say as number));

    // Streaming: with three sentences the first chunk waits for one sentence, not three.
    const three = `${RECALLS[0]} ${RECALLS[1]} ${RECALLS[2]}`;
    const tts = createTextToSpeech('flite');
    await tts.load();
    const whole = await ctx.time(() => tts.synthesize(three), { runs: 10, warmup: 1 });
    const first = await ctx.time(() => tts.synthesize(splitSentences(three)[0] as string), { runs: 10, warmup: 1 });
    await tts.dispose();
    const w = ctx.figure('flite: 3 sentences in one go', whole);
    const f = ctx.figure('flite: first of 3 sentences', first);
    ctx.ratio('first sentence / whole text (flite)', f.p50 / w.p50);
    ctx.note(`target: first chunk p50 <= 150 ms for a one-sentence recall (flite: ${p50.flite} ms)`);
    ctx.note('shared 2-core machine with other work running: figures are noisy');
  },
};
export default bench;
