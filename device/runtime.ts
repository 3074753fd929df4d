import { logger } from '../config/log.js';
import type { Config } from '../config/schema.js';
import { type Camera, createCamera } from '../hardware/camera/index.js';
import { createMicrophone } from '../hardware/microphone/index.js';
import type { Microphone } from '../hardware/microphone/types.js';
import { openMemoryFromConfig } from '../memory/index.js';
import type { Memory } from '../memory/types.js';
import { createFaceAnalyzer } from '../models/faces/analyzer.js';
import { ModelStore } from '../models/store.js';
import { createSpeechToText } from '../models/stt/factory.js';
import { SileroVad } from '../models/vad/index.js';
import { OpenWakeWord } from '../models/wake/open-wake-word.js';
import { WakeTrigger } from '../models/wake/wake-trigger.js';
import { EventBus } from './bus.js';
import { type Clock, type FacesInView, systemClock, type WhisperSink } from './contracts.js';
import { type Part, part } from './controller.js';
import { createFacesStage, type FacesStage } from './faces/index.js';
import type { SentenceEmbedder } from './intents/types.js';
import { ensureModels } from './model-pull.js';
import { createPersonalModel, type PersonalModelService } from './personal/factory.js';
import { createRecallPolicy } from './recall/index.js';
import { createReviewServer, type ReviewServer } from './review/server.js';
import { createGlassesParts, type GlassesParts } from './runtime-glasses.js';
import { loadSentenceEmbedder } from './voice/sentence.js';
import { createVoiceStage, type VoiceStage } from './voice/voice-stage.js';

/*
 * Builds every part of mnemo from config, with the external things injected, in
 * start order: models, memory, broker and glasses link (speech out), the review
 * server, the personal model, the voice stage, the faces stage and recall policy.
 * The controller starts them in this order and stops them in reverse.
 */

export interface RuntimeOverrides {
  bus?: EventBus;
  clock?: Clock;
  camera?: Camera;
  microphone?: Microphone;
  /** The demo turns pieces off (e.g. review) or on. */
  models?: ModelStore;
  /** The config file the phone's settings page writes. */
  configFile?: string;
}

/** Where the wearer is (a real device learns it from the phone; the demo sets it). */
export interface PlaceContext {
  current: string | null;
}

export interface Runtime {
  parts: Part[];
  bus: EventBus;
  clock: Clock;
  models: ModelStore;
  place: PlaceContext;
  /** Available once the corresponding part has started. */
  memory(): Memory;
  whisper(): WhisperSink;
  faces(): FacesStage | undefined;
  voice(): VoiceStage | undefined;
  review(): ReviewServer | undefined;
  personal(): PersonalModelService | undefined;
  glasses(): GlassesParts | undefined;
}

function later<T>(what: string): { set(v: T): void; get(): T; maybe(): T | undefined } {
  let value: T | undefined;
  return {
    set: (v) => {
      value = v;
    },
    get: () => {
      if (value === undefined) throw new Error(`${what} has not started`);
      return value;
    },
    maybe: () => value,
  };
}

/** Adds the wearer's current place to an enrollment that did not name one. */
function withPlace(faces: FacesInView, place: PlaceContext): FacesInView {
  return {
    enrollFaceInView: (name, context) => faces.enrollFaceInView(name, { ...context, place: context.place ?? place.current ?? undefined }),
    personInView: () => faces.personInView(),
  };
}

export function buildRuntime(config: Config, overrides: RuntimeOverrides = {}): Runtime {
  const log = logger('mnemo:runtime');
  const bus = overrides.bus ?? new EventBus();
  const clock = overrides.clock ?? systemClock;
  const models = overrides.models ?? new ModelStore(config.models.dir);
  const place: PlaceContext = { current: null };
  const memory = later<Memory>('memory');
  const glasses = later<GlassesParts>('glasses link');
  const review = later<ReviewServer>('review server');
  const personal = later<PersonalModelService>('personal model');
  const voice = later<VoiceStage>('voice stage');
  const faces = later<FacesStage>('faces stage');
  let recallPolicy: Part | undefined;
  let sentences: SentenceEmbedder | undefined;
  let personalParts: Part[] = [];

  const parts: Part[] = [
    part('models', async () => {
      if (config.models.autoPull) await ensureModels(models);
    }),
    part(
      'memory',
      () => {
        memory.set(openMemoryFromConfig(config.memory, { clock }));
        const pruned = memory.get().utterances.prune(clock.now());
        if (pruned) log.info({ pruned }, 'old utterances deleted (retention)');
      },
      () => memory.maybe()?.close(),
    ),
    {
      name: 'glasses',
      async start(signal) {
        const g = createGlassesParts({ config, bus, clock });
        glasses.set(g);
        for (const p of g.parts) await p.start(signal);
      },
      async stop() {
        for (const p of (glasses.maybe()?.parts ?? []).slice().reverse()) await p.stop();
      },
    },
    {
      name: 'review',
      async start(signal) {
        if (!config.review.enabled) return;
        const server = createReviewServer({
          config,
          memory: memory.get(),
          bus,
          whisper: glasses.get().whisper,
          clock,
          configFile: overrides.configFile,
        });
        const asPart: Part = server;
        await asPart.start(signal);
        review.set(server);
      },
      async stop() {
        await review.maybe()?.stop();
      },
    },
    {
      name: 'personal-model',
      async start(signal) {
        // One sentence encoder for the intent classifier and the personal model's retrieval.
        sentences = await loadSentenceEmbedder(models);
        personal.set(await createPersonalModel({ config, memory: memory.get(), models, bus, embed: sentences?.embed }));
        const st = personal.get().status();
        if (!st.available) log.info({ missing: st.message, fix: st.fix }, 'answering from templates');
        // Loads the weights and back-fills note vectors in the background.
        const background = personal.get().part();
        await background.start(signal);
        personalParts = [background];
      },
      async stop() {
        for (const p of personalParts.reverse()) await p.stop();
        await personal.maybe()?.dispose();
      },
    },
    {
      name: 'faces',
      async start(signal) {
        const analyzer = createFaceAnalyzer(config.faces, models);
        const camera = overrides.camera ?? createCamera(config.camera, { now: () => clock.monotonic() });
        await camera.start(signal);
        const stage = createFacesStage({ config, bus, memory: memory.get(), analyzer, clock, camera });
        await stage.start(signal);
        faces.set(stage);
        const recall = createRecallPolicy({ config, bus, memory: memory.get(), whisper: glasses.get().whisper, clock });
        await recall.start();
        recallPolicy = recall;
        // Opt-in conversation summaries into encounters (a no-op unless capture.conversations).
        const capture = personal.get().capturePart(stage);
        await capture.start(signal);
        personalParts.push(capture);
      },
      async stop() {
        await recallPolicy?.stop();
        await faces.maybe()?.stop();
      },
    },
    {
      name: 'voice',
      async start(signal) {
        const [stt, vad] = await Promise.all([createSpeechToText(config, models), SileroVad.load(models)]);
        const w = config.voice.wakeWord;
        // The wake models are CC BY-NC-SA (non-commercial): loaded only when the wearer opted in.
        const wake = w.enabled ? new WakeTrigger(await OpenWakeWord.load(models, w.model), w.threshold) : undefined;
        const stage = createVoiceStage({
          config,
          bus,
          memory: memory.get(),
          stt,
          vad,
          microphone: overrides.microphone ?? createMicrophone(config.microphone),
          whisper: glasses.get().whisper,
          faces: faces.maybe() ? withPlace(faces.get(), place) : undefined,
          pairing: review.maybe(),
          personalModel: personal.maybe(),
          embedder: sentences,
          wake,
          clock,
        });
        await stage.start(signal);
        voice.set(stage);
      },
      async stop() {
        await voice.maybe()?.stop();
      },
    },
  ];

  return {
    parts,
    bus,
    clock,
    models,
    place,
    memory: memory.get,
    whisper: () => glasses.get().whisper,
    faces: faces.maybe,
    voice: voice.maybe,
    review: review.maybe,
    personal: personal.maybe,
    glasses: glasses.maybe,
  };
}
