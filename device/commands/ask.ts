import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { openMemoryFromConfig } from '../../memory/index.js';
import type { Memory } from '../../memory/types.js';
import { ModelStore } from '../../models/store.js';
import { answerIntent } from '../answers/answerer.js';
import { Conversation } from '../answers/conversation.js';
import { EventBus } from '../bus.js';
import { commandConfig, output } from '../cli-context.js';
import { type Clock, type PersonalModel, systemClock } from '../contracts.js';
import { ExampleClassifier } from '../intents/classifier.js';
import { learnedExamples } from '../intents/learned.js';
import { IntentRecognizer } from '../intents/recognizer.js';
import type { SentenceEmbedder } from '../intents/types.js';
import { createPersonalModel } from '../personal/factory.js';
import { loadSentenceEmbedder } from '../voice/sentence.js';

/* `mnemo ask "TEXT"`: intent and grounded answer on typed text, against a memory file. */

export interface AskResult {
  transcript: string;
  confidence: number;
  intent: string;
  slots: Record<string, string>;
  /** Exactly what the wearer would hear. */
  answer: string;
  memoryIds: string[];
}

export interface AskDeps {
  memory: Memory;
  clock?: Clock;
  personalModel?: PersonalModel;
  /** The sentence embedder, or a loader for it: loaded only when no rule matched. */
  embedder?: SentenceEmbedder | (() => Promise<SentenceEmbedder | undefined>);
  thresholds?: Config['voice']['intentExamples'];
  /** Answer yes to a question the answer asks ("forget Ana? say yes"). */
  yes?: boolean;
  confirmSeconds?: number;
}

export async function ask(text: string, deps: AskDeps): Promise<AskResult> {
  if (!text.trim())
    throw new MnemoError('invalid-argument', 'nothing to ask: the text is empty', { fix: 'mnemo ask "where did I meet Ana"' });
  const { memory } = deps;
  const clock = deps.clock ?? systemClock;
  const th = deps.thresholds;
  const people = () => memory.people.list();
  let rec = await new IntentRecognizer({ people }).recognize(text);
  // The classifier (seconds to load) only when the rules did not know the phrasing.
  let classifier: ExampleClassifier | undefined;
  if (rec.via === 'fallback' && deps.embedder && th?.enabled !== false) {
    const embedder = typeof deps.embedder === 'function' ? await deps.embedder() : deps.embedder;
    if (embedder) {
      classifier = new ExampleClassifier(embedder, th);
      await classifier.prepare(learnedExamples(memory.profile));
      rec = await new IntentRecognizer({ people, classifier }).recognize(text);
    }
  }
  const conversation = new Conversation((deps.confirmSeconds ?? 15) * 1000);
  const utterance = memory.utterances.add(text, clock.now());
  const ctx = { memory, clock, conversation, personalModel: deps.personalModel, classifier, utteranceId: utterance.id };
  let answer = await answerIntent(rec, text, ctx);
  if (deps.yes && conversation.hasPending(clock.now())) {
    answer = await answerIntent({ intent: 'confirm', slots: {}, via: 'rules', score: 1, cleaned: 'yes' }, 'yes', ctx);
  }
  return { transcript: text, confidence: 1, intent: rec.intent, slots: rec.slots, answer: answer.text, memoryIds: answer.memoryIds };
}

interface AskOpts {
  memory?: string;
  json?: boolean;
  yes?: boolean;
  examples?: boolean;
  llm?: boolean;
}

export function registerAsk(program: Command): void {
  program
    .command('ask <text>')
    .description('answer a question as if the wearer had said it: intent, slots and the grounded answer')
    .option('--memory <path>', 'the memory file (default: memory.path)')
    .option('--json', 'one JSON object {transcript, confidence, intent, slots, answer, memoryIds}')
    .option('--yes', 'answer yes when the answer asks for confirmation (forget)')
    .option('--no-examples', 'rules only: skip the sentence-embedding classifier')
    .option('--no-llm', 'template answers only, even when the personal model is present (to compare)')
    .action(async (text: string, opts: AskOpts, cmd: Command) => {
      const config = commandConfig(cmd, opts.memory ? { memory: { path: opts.memory } } : {});
      if (opts.memory && !existsSync(config.memory.path)) {
        throw new MnemoError('memory-not-found', `no memory file at ${config.memory.path}`, {
          fix: 'pass --memory PATH of an existing memory',
          details: { file: config.memory.path },
        });
      }
      const memory = openMemoryFromConfig(config.memory);
      const models = new ModelStore(config.models.dir);
      // Loaded on first use only: a phrasing the rules know needs no sentence model.
      let loading: Promise<SentenceEmbedder | undefined> | undefined;
      const load = () => (loading ??= loadSentenceEmbedder(models));
      const embedder = opts.examples !== false && config.voice.intentExamples.enabled ? load : undefined;
      const embed = async (texts: string[]) => {
        const e = await load();
        if (!e) throw new MnemoError('model-missing', 'sentence embeddings are not available', { fix: 'mnemo models pull use-lite-512' });
        return e.embed(texts);
      };
      const personal = await createPersonalModel({
        config,
        memory,
        models,
        bus: new EventBus(),
        embed,
        ...(opts.llm === false ? { generator: null } : {}),
      });
      const status = personal.status();
      // Said on stderr so `--json` stays one object: what is missing and the command that gets it.
      if (!status.available && opts.llm !== false)
        process.stderr.write(`mnemo: ${status.message}; answering from templates (fix: ${status.fix})\n`);
      try {
        const result = await ask(text, {
          memory,
          personalModel: personal,
          embedder,
          thresholds: config.voice.intentExamples,
          yes: opts.yes,
          confirmSeconds: config.voice.confirmSeconds,
        });
        output(
          opts.json,
          result,
          () =>
            `${result.answer}\n  intent: ${result.intent} ${JSON.stringify(result.slots)}\n  memory: ${result.memoryIds.join(' ') || '-'}`,
        );
      } finally {
        await personal.dispose();
        memory.close();
      }
    });
}
