import { isMnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Memory } from '../../memory/types.js';
import type { TextGenerator } from '../../models/llm/generator.js';
import type { EventBus } from '../bus.js';
import type { GroundedAnswer, PersonalModel } from '../contracts.js';
import { backfillVectors, type Embed, type Evidence } from './evidence.js';
import { checkGrounding, type GroundingResult } from './grounding.js';
import { answerTokens, buildPrompt } from './prompt.js';
import { retrieve } from './retrieval.js';

export interface PersonalModelSettings {
  maxNewTokens: number;
  timeoutMs: number;
  temperature: number;
  contextItems: number;
  embeddingModel: string;
}

export interface PersonalModelDeps {
  memory: Memory;
  bus: EventBus;
  /** null when the model folder is missing: `answer` then returns null and the caller uses templates. */
  generator: TextGenerator | null;
  embed?: Embed;
  settings: PersonalModelSettings;
  /** Why the generator is null (what is missing and the command that gets it), for status and CLI output. */
  unavailable?: { message: string; fix: string };
}

/** The last answer given, so "that's wrong, ..." knows what it corrects. */
export interface LastAnswer {
  question: string;
  answer: string;
  memoryIds: string[];
  evidence: Evidence[];
  personInView: number | null;
}

export interface AnswerTrace {
  prompt: string;
  memoryIds: string[];
  raw: string;
  grounding: GroundingResult;
}

const STOP = ['<|im_end|>', '<|endoftext|>', '\nQuestion:', '\nMemories:'];

/**
 * Retrieval, prompt, generation in the worker, grounding check: the personal
 * language model as the intent stage sees it (`PersonalModel`).
 */
export class GroundedPersonalModel implements PersonalModel {
  private readonly log = logger('mnemo:personal');
  last: LastAnswer | undefined;
  /** The last prompt, raw output and grounding verdict (tests, `mnemo ask --json`); never logged. */
  lastTrace: AnswerTrace | undefined;
  private seq = 0;

  constructor(private readonly deps: PersonalModelDeps) {}

  available(): boolean {
    return this.deps.generator !== null;
  }

  status(): { available: true; model: string } | { available: false; message: string; fix: string } {
    if (this.deps.generator) return { available: true, model: this.deps.generator.modelId };
    return { available: false, ...(this.deps.unavailable ?? { message: 'no personal model configured', fix: 'set llm.model' }) };
  }

  async answer(question: string, context: { personInView?: number | null; signal?: AbortSignal } = {}): Promise<GroundedAnswer | null> {
    const gen = this.deps.generator;
    if (!gen) return null;
    const { memory, bus, settings } = this.deps;
    const id = `llm-${++this.seq}`;
    const personInView = context.personInView ?? null;
    // Notes added since the last question get their vectors now (bounded: the
    // runtime back-fills a large memory in the background with indexVectors()).
    if (this.deps.embed) await backfillVectors(memory, this.deps.embed, settings.embeddingModel, 32, 32);
    const { evidence } = await retrieve(memory, question, {
      k: settings.contextItems,
      embed: this.deps.embed,
      embeddingModel: settings.embeddingModel,
      personInView,
    });
    const profile = memory.profile.get();
    const inView = personInView !== null ? (memory.people.get(personInView) ?? null) : null;
    const { messages, memoryIds } = buildPrompt({ question, evidence, profile, personInView: inView });
    const prompt = messages.map((m) => `${m.role}: ${m.content}`).join('\n\n');
    // Private: the prompt and ids go on the bus (in process), never to a log at info.
    bus.emit('llm-prompt', { at: performance.now(), id, prompt, memoryIds });
    bus.emit('llm-start', { at: performance.now(), id, model: gen.modelId });
    let raw: string;
    let tokens: number;
    try {
      const g = await gen.generate(messages, {
        maxNewTokens: answerTokens(profile.length, settings.maxNewTokens),
        timeoutMs: settings.timeoutMs,
        temperature: settings.temperature,
        signal: context.signal,
        stop: STOP,
        onToken: (token) => bus.emit('llm-token', { at: performance.now(), id, token }),
      });
      raw = g.text;
      tokens = g.tokens;
    } catch (err) {
      const code = isMnemoError(err) ? err.code : 'llm-failed';
      bus.emit('llm-error', { at: performance.now(), id, model: gen.modelId, error: code });
      this.log.warn({ model: gen.modelId, code }, 'personal model gave no answer; the template answer is used');
      this.log.debug({ err }, 'personal model failure detail');
      return null;
    }
    const grounding = checkGrounding({
      answer: raw,
      memory,
      evidence,
      offeredIds: memoryIds,
      question,
      wearerName: profile.name,
      personInView,
    });
    this.lastTrace = { prompt, memoryIds, raw, grounding };
    bus.emit('llm-end', { at: performance.now(), id, model: gen.modelId, text: raw, tokens, grounded: grounding.ok });
    if (!grounding.ok) {
      this.log.info({ model: gen.modelId, reason: grounding.reason }, 'answer failed the grounding check; the template answer is used');
      return null;
    }
    this.last = { question, answer: grounding.text, memoryIds: grounding.memoryIds, evidence, personInView };
    return { text: grounding.text, memoryIds: grounding.memoryIds, via: `llm:${gen.modelId}` };
  }
}
