import { errorMessage } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { Microphone } from '../../hardware/microphone/types.js';
import type { Memory } from '../../memory/types.js';
import type { SpeechToText } from '../../models/stt/types.js';
import { type SpeechProbability, type Utterance, UtteranceSegmenter } from '../../models/vad/index.js';
import { answerIntent, type SpokenReply } from '../answers/answerer.js';
import { Conversation } from '../answers/conversation.js';
import type { EventBus } from '../bus.js';
import type { Clock, FacesInView, PersonalModel, PhonePairing, WhisperSink } from '../contracts.js';
import type { Part } from '../controller.js';
import { ExampleClassifier } from '../intents/classifier.js';
import { memoryGrammar } from '../intents/grammar.js';
import { learnedExamples } from '../intents/learned.js';
import { IntentRecognizer, type Recognition } from '../intents/recognizer.js';
import type { SentenceEmbedder } from '../intents/types.js';

/*
 * The voice stage: microphone -> (button or wake word) -> VAD utterance -> STT
 * with the command grammar -> stored utterance -> intent -> grounded answer ->
 * whisper queue. Nothing is heard unless the wearer pressed the button or said
 * the wake word: the microphone is read all the time (for the wake word), but
 * audio only reaches the VAD and STT while listening. Utterances are handled one
 * at a time, in order.
 */

/** openWakeWord (models/wake), as the stage sees it. */
export interface WakeWordDetector {
  readonly model: string;
  /** Feeds audio; a score when the wake word was just heard, else null. */
  push(chunk: Int16Array): Promise<number | null>;
  reset(): void;
}

export interface VoiceStageDeps {
  config: Config;
  bus: EventBus;
  memory: Memory;
  stt: SpeechToText;
  vad: SpeechProbability;
  microphone: Microphone;
  whisper: WhisperSink;
  faces?: FacesInView;
  pairing?: PhonePairing;
  personalModel?: PersonalModel;
  embedder?: SentenceEmbedder;
  wake?: WakeWordDetector;
  clock: Clock;
}

export interface VoiceStage extends Part {
  /** Text in, as if heard (the `mnemo ask` path and tests): intent, answer, whisper. */
  handleText(text: string, confidence?: number): Promise<HandledUtterance>;
  /** Waits until every utterance heard so far is answered. */
  idle(): Promise<void>;
  /** Resolves true once the example classifier is in use (false: rules only). */
  classifierReady(): Promise<boolean>;
}

export interface HandledUtterance {
  transcript: string;
  confidence: number;
  recognition: Recognition;
  answer: SpokenReply;
}

const OWNER = 'voice-stage';
/** How long after a wake word speech may take to start. */
const WAKE_WINDOW_MS = 5000;

export function createVoiceStage(deps: VoiceStageDeps): VoiceStage {
  const { config, bus, memory, clock } = deps;
  const log = logger('mnemo:voice');
  const conversation = new Conversation(config.voice.confirmSeconds * 1000);
  const th = config.voice.intentExamples;
  const classifier = deps.embedder && th.enabled ? new ExampleClassifier(deps.embedder, th) : undefined;
  // The rules answer from the first utterance; the classifier joins once its examples are embedded
  // (seconds on a Pi), so a slow embedding never delays the stage's start.
  let ready: ExampleClassifier | undefined;
  let prepared: Promise<boolean> = Promise.resolve(false);
  let recognizer = new IntentRecognizer({ people: () => memory.people.list() });
  const segmenter = new UtteranceSegmenter(deps.vad, {
    silenceMs: config.voice.silenceMs,
    maxUtteranceSeconds: config.voice.maxUtteranceSeconds,
    threshold: config.voice.vadThreshold,
    minSpeechMs: config.voice.minSpeechMs,
    prerollMs: config.voice.prerollMs,
  });
  let queue: Promise<unknown> = Promise.resolve();
  let loop: Promise<void> | undefined;
  let seq = 0;
  const at = () => clock.monotonic();

  // After a wake word the VAD opens the utterance when speech starts (with its preroll), so the
  // pause after "hey jarvis" is not part of it; no speech within WAKE_WINDOW_MS and it gives up.
  let wakeArmedUntil = 0;

  function listen(trigger: 'button' | 'wake-word'): void {
    if (segmenter.listening || wakeArmedUntil) return;
    if (trigger === 'button') segmenter.begin();
    else wakeArmedUntil = at() + WAKE_WINDOW_MS;
    bus.emit('listen-start', { at: at(), trigger });
  }

  function hearing(): boolean {
    if (segmenter.listening) return true;
    if (wakeArmedUntil && at() > wakeArmedUntil) {
      wakeArmedUntil = 0;
      segmenter.reset();
      bus.emit('vad-end', { at: at(), id: `u${++seq}`, samples: 0, reason: 'silence' });
    }
    return wakeArmedUntil > 0;
  }

  function heard(u: Utterance | undefined, reason: Utterance['reason']): void {
    wakeArmedUntil = 0;
    const id = `u${++seq}`;
    bus.emit('vad-end', { at: at(), id, samples: u?.pcm.length ?? 0, reason });
    if (!u) return; // a press with nothing said
    queue = queue.then(() => transcribe(id, u)).catch((err) => log.error({ reason: errorMessage(err) }, 'utterance failed'));
  }

  async function transcribe(id: string, u: Utterance): Promise<void> {
    const engine = deps.stt.engine;
    bus.emit('stt-start', { at: at(), id, engine });
    let text: string;
    let confidence: number;
    try {
      const grammar = memoryGrammar(memory);
      const t = await deps.stt.transcribe(u.pcm, { grammar });
      text = t.text.trim();
      confidence = t.confidence;
    } catch (err) {
      bus.emit('stt-error', { at: at(), id, engine, error: errorMessage(err) });
      await speak(id, { text: "Sorry, I couldn't understand that.", memoryIds: [], via: 'stt-error', priority: 'answer' });
      return;
    }
    bus.emit('stt-end', { at: at(), id, engine, transcript: text, confidence });
    log.debug({ transcript: text, confidence }, 'heard');
    if (!text) {
      await speak(id, { text: "Sorry, I didn't catch that.", memoryIds: [], via: 'stt-empty', priority: 'answer' });
      return;
    }
    await respond(id, text, confidence);
  }

  async function respond(id: string, text: string, confidence: number): Promise<HandledUtterance> {
    const utterance = memory.utterances.add(text, clock.now());
    const recognition = await recognizer.recognize(text);
    bus.emit('intent', { at: at(), id, intent: recognition.intent, slots: recognition.slots, via: recognition.via });
    bus.emit('answer-start', { at: at(), id });
    const answer = await answerIntent(recognition, text, {
      memory,
      clock,
      conversation,
      faces: deps.faces,
      pairing: deps.pairing,
      whisper: deps.whisper,
      personalModel: deps.personalModel,
      classifier: ready,
      utteranceId: utterance.id,
    });
    await speak(id, answer);
    return { transcript: text, confidence, recognition, answer };
  }

  async function speak(id: string, answer: SpokenReply): Promise<void> {
    bus.emit('answer-end', { at: at(), id, text: answer.text, memoryIds: answer.memoryIds, via: answer.via });
    conversation.remember(answer);
    // Not awaited past the hand-off: the queue plays it while the next utterance is heard.
    const played = deps.whisper.say({ text: answer.text, priority: answer.priority, memoryIds: answer.memoryIds });
    played.catch((err) => log.warn({ reason: errorMessage(err) }, 'answer was not spoken'));
  }

  async function readMicrophone(signal: AbortSignal): Promise<void> {
    for await (const chunk of deps.microphone.chunks(signal)) {
      if (deps.wake && !hearing()) {
        const score = await deps.wake.push(chunk);
        if (score !== null) {
          bus.emit('wake-word', { at: at(), model: deps.wake.model, score });
          deps.wake.reset();
          listen('wake-word');
        }
        continue;
      }
      if (!hearing()) continue;
      for (const ev of await segmenter.push(chunk)) {
        if (ev.type === 'utterance') heard(ev.utterance, ev.utterance.reason);
      }
    }
    // The source ended (a replay file): what was being said is finished.
    if (segmenter.listening) heard(segmenter.end('end'), 'end');
  }

  return {
    name: 'voice',
    async start(signal) {
      await deps.stt.load();
      if (classifier) {
        prepared = classifier
          .prepare(learnedExamples(memory.profile))
          .then(() => {
            ready = classifier;
            recognizer = new IntentRecognizer({ people: () => memory.people.list(), classifier });
            log.info({ examples: classifier.size }, 'intent classifier ready');
            return true;
          })
          .catch((err) => {
            log.warn({ reason: errorMessage(err) }, 'intent classifier did not load: rules only');
            return false;
          });
      }
      bus.on(OWNER, 'button', (p) => {
        if (p.action === 'press') listen('button');
        else if (p.action === 'release' && segmenter.listening && !wakeArmedUntil) heard(segmenter.end('release'), 'release');
      });
      // A recall whisper is something "repeat that" should repeat.
      bus.on(OWNER, 'recall', (p) => conversation.remember({ text: p.text, memoryIds: p.memoryIds }));
      log.info(
        { engine: deps.stt.engine, wakeWord: deps.wake?.model ?? 'off', classifier: classifier ? 'on' : 'off' },
        'voice stage listening',
      );
      loop = readMicrophone(signal).catch((err) => log.error({ reason: errorMessage(err) }, 'microphone stopped'));
    },
    async stop() {
      bus.removeListeners(OWNER);
      deps.microphone.stop();
      await loop;
      await queue;
      await deps.stt.dispose();
    },
    handleText(text, confidence = 1) {
      const id = `t${++seq}`;
      const run = queue.then(() => respond(id, text, confidence));
      queue = run.catch(() => undefined);
      return run;
    },
    idle: () => queue.then(() => undefined),
    classifierReady: () => prepared,
  };
}
