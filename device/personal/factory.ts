import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { Memory, MemoryId } from '../../memory/types.js';
import type { LlmWorker, TextGenerator } from '../../models/llm/generator.js';
import { llmAvailability, openLlm } from '../../models/llm/open.js';
import type { ModelStore } from '../../models/store.js';
import type { EventBus } from '../bus.js';
import type { FacesInView, GroundedAnswer, PersonalModel } from '../contracts.js';
import type { Part } from '../controller.js';
import { backfillVectors, type Embed, refreshVectors } from './evidence.js';
import { type AnswerRef, applyFeedback, type FeedbackOutcome } from './feedback.js';
import { GroundedPersonalModel } from './personal-model.js';
import { conversationCapture, summarise } from './summary.js';

export interface PersonalModelFactoryDeps {
  config: Config;
  memory: Memory;
  models: ModelStore;
  bus: EventBus;
  /** USE lite `embed(texts)` from `models/sentence/`; without it retrieval is FTS only. */
  embed?: Embed;
  /** A generator to use instead of the configured model folder (the benchmark; tests of grounding). */
  generator?: TextGenerator | null;
}

export interface PersonalModelService extends PersonalModel {
  /** What is missing and the command that gets it, when `available()` is false. */
  status(): { available: true; model: string } | { available: false; message: string; fix: string };
  /** "shorter", "more detail", "that's right", "that's wrong, she works on robots" about the last answer. */
  feedback(utterance: string, last?: AnswerRef): Promise<FeedbackOutcome>;
  /** Sentence vectors for notes and encounters that have none yet; returns how many were added. */
  indexVectors(): Promise<number>;
  summarise(transcript: string[]): Promise<{ text: string; via: 'llm' | 'extractive' | 'first' }>;
  /** The opt-in conversation-summary part (a no-op unless `capture.conversations`). */
  capturePart(faces: FacesInView): Part & { flush(): Promise<void> };
  /** Loads the weights now rather than on the first question. */
  warmup(): Promise<void>;
  /**
   * The runtime part: at start, loads the model and back-fills sentence vectors in the
   * background (neither delays the other parts); at stop, cancels and ends the worker.
   */
  part(): Part;
  readonly model: GroundedPersonalModel;
  dispose(): Promise<void>;
}

/**
 * The personal model for the runtime and the CLI. Never throws for a missing model:
 * it logs (at info, no private content) which model is missing and how to get it, and
 * `available()` is false so the caller answers from templates.
 */
export async function createPersonalModel(deps: PersonalModelFactoryDeps): Promise<PersonalModelService> {
  const { config, memory, bus, embed } = deps;
  const log = logger('mnemo:personal');
  const llm = config.llm;
  let generator: TextGenerator | null = deps.generator ?? null;
  let worker: LlmWorker | undefined;
  let unavailable: { message: string; fix: string } | undefined;
  if (deps.generator === undefined) {
    if (!llm.enabled) unavailable = { message: 'the personal model is off (llm.enabled: false)', fix: 'set llm.enabled: true' };
    else {
      const a = await llmAvailability(deps.models, llm.model);
      if (a.ok) {
        worker = await openLlm(deps.models, llm.model, { threads: llm.threads, maxNewTokens: llm.maxNewTokens, timeoutMs: llm.timeoutMs });
        generator = worker;
      } else {
        unavailable = { message: a.message, fix: a.fix };
        log.info({ model: llm.model, code: a.code, fix: a.fix }, 'personal model not available; answering from templates');
      }
    }
  }
  const model = new GroundedPersonalModel({
    memory,
    bus,
    generator,
    embed,
    unavailable,
    settings: {
      maxNewTokens: llm.maxNewTokens,
      timeoutMs: llm.timeoutMs,
      temperature: llm.temperature,
      contextItems: llm.contextItems,
      embeddingModel: llm.embeddingModel,
    },
  });
  const summariseFn = (transcript: string[]) =>
    summarise(transcript, { generator, embed, keep: config.capture.summarySentences, timeoutMs: llm.timeoutMs });
  if (embed) {
    // Edited notes and encounters get fresh vectors; new ones are back-filled.
    bus.on('personal-model', 'memory-changed', async (e) => {
      if (e.table !== 'notes' && e.table !== 'encounters') return;
      const kind = e.table === 'notes' ? 'note' : 'encounter';
      const ids = e.ids.map((i) => (typeof i === 'number' ? (`${kind}:${i}` as MemoryId) : (i as MemoryId)));
      await refreshVectors(memory, embed, llm.embeddingModel, ids);
    });
  }
  return {
    model,
    available: () => model.available(),
    answer: (q: string, ctx: { personInView?: number | null; signal?: AbortSignal }): Promise<GroundedAnswer | null> =>
      model.answer(q, ctx),
    status: () => model.status(),
    feedback: (utterance, last) => {
      const ref: AnswerRef | undefined = last ?? (model.last && { ...model.last, personId: model.last.personInView });
      return applyFeedback({ memory, embed, embeddingModel: llm.embeddingModel }, utterance, ref);
    },
    indexVectors: () => (embed ? backfillVectors(memory, embed, llm.embeddingModel) : Promise.resolve(0)),
    summarise: summariseFn,
    capturePart: (faces) =>
      conversationCapture({
        enabled: config.capture.conversations,
        memory,
        bus,
        faces,
        summarise: summariseFn,
        embed,
        embeddingModel: llm.embeddingModel,
      }),
    warmup: async () => {
      if (worker) await worker.load();
    },
    part: () => ({
      name: 'personal-model',
      async start() {
        const bg = async () => {
          try {
            if (worker) await worker.load();
            if (embed) await backfillVectors(memory, embed, llm.embeddingModel);
          } catch (err) {
            log.warn(
              { code: (err as { code?: string }).code ?? 'llm-failed' },
              'personal model warm-up failed; answering from templates until it loads',
            );
          }
        };
        void bg();
      },
      async stop() {
        bus.removeListeners('personal-model');
        await worker?.dispose();
      },
    }),
    dispose: async () => {
      bus.removeListeners('personal-model');
      await worker?.dispose();
    },
  };
}
