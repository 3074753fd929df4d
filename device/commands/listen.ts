import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { readWav16k } from '../../hardware/microphone/wav.js';
import { openMemoryFromConfig } from '../../memory/index.js';
import type { Memory } from '../../memory/types.js';
import { ModelStore } from '../../models/store.js';
import { createSpeechToText } from '../../models/stt/factory.js';
import type { CommandGrammar, SpeechToText } from '../../models/stt/types.js';
import { SileroVad } from '../../models/vad/silero-vad.js';
import { type Utterance, UtteranceSegmenter } from '../../models/vad/utterance-segmenter.js';
import { commandConfig, output } from '../cli-context.js';
import { commandGrammar } from '../intents/grammar.js';
import { loadSentenceEmbedder } from '../voice/sentence.js';
import { type AskResult, ask } from './ask.js';

/*
 * `mnemo listen FILE.wav`: what the glasses would do with that recording. The
 * file goes through the Silero VAD (utterances end after voice.silenceMs, are cut
 * at voice.maxUtteranceSeconds), each utterance through speech to text with the
 * command grammar (names from memory), and the transcript through intent and the
 * grounded answer, exactly as `mnemo ask` does with typed text.
 */

/** Free-text commands the intent phrases leave to dictation; the grammar gives their names. */
export const FREE_TEXT_PHRASES = ['this is <name> [he | she] <text>', 'remember that <text>', 'remember that <name> <text>'];

export interface Heard {
  transcript: string;
  confidence: number;
  engine: string;
  utterances: number;
}

/** VAD + STT over a whole recording; several utterances are joined in order. */
export async function transcribeFile(
  file: string,
  deps: { stt: SpeechToText; vad: SileroVad; voice: Config['voice']; grammar?: CommandGrammar },
): Promise<Heard> {
  const { pcm } = readWav16k(file);
  const seg = new UtteranceSegmenter(deps.vad, {
    silenceMs: deps.voice.silenceMs,
    maxUtteranceSeconds: deps.voice.maxUtteranceSeconds,
    threshold: deps.voice.vadThreshold,
    minSpeechMs: deps.voice.minSpeechMs,
    prerollMs: deps.voice.prerollMs,
  });
  const utterances: Utterance[] = [];
  for (const e of await seg.push(pcm)) if (e.type === 'utterance') utterances.push(e.utterance);
  const last = seg.end('end');
  if (last) utterances.push(last);
  const texts: string[] = [];
  let confidence = utterances.length ? 1 : 0;
  for (const u of utterances) {
    const t = await deps.stt.transcribe(u.pcm, { grammar: deps.grammar });
    if (t.text) texts.push(t.text);
    confidence = Math.min(confidence, t.confidence);
  }
  return { transcript: texts.join(' '), confidence: texts.length ? confidence : 0, engine: deps.stt.engine, utterances: utterances.length };
}

export function grammarFor(memory: Memory): CommandGrammar {
  const g = commandGrammar(memory.people.list());
  const notes = memory.people.list().flatMap((p) => memory.notes.forPerson(p.id).map((n) => n.text));
  return { ...g, phrases: [...g.phrases, ...FREE_TEXT_PHRASES], vocabulary: notes.join(' ').split(/\s+/) };
}

interface ListenOpts {
  memory?: string;
  json?: boolean;
  examples?: boolean;
}

export function registerListen(program: Command): void {
  program
    .command('listen <file>')
    .description('run a WAV recording through VAD, speech to text, intent and the grounded answer')
    .option('--memory <path>', 'the memory file (default: memory.path)')
    .option('--json', 'one JSON object {transcript, confidence, intent, slots, answer, memoryIds}')
    .option('--no-examples', 'rules only: skip the sentence-embedding classifier')
    .action(async (file: string, opts: ListenOpts, cmd: Command) => {
      const config = commandConfig(cmd, opts.memory ? { memory: { path: opts.memory } } : {});
      if (opts.memory && !existsSync(config.memory.path)) {
        throw new MnemoError('memory-not-found', `no memory file at ${config.memory.path}`, {
          fix: 'pass --memory PATH of an existing memory',
          details: { file: config.memory.path },
        });
      }
      readWav16k(file); // a bad file fails before any model loads
      const models = new ModelStore(config.models.dir);
      const memory = openMemoryFromConfig(config.memory);
      const stt = await createSpeechToText(config, models);
      const vad = await SileroVad.load(models);
      try {
        await stt.load();
        const heard = await transcribeFile(file, { stt, vad, voice: config.voice, grammar: grammarFor(memory) });
        let result: AskResult = { transcript: '', confidence: 0, intent: 'none', slots: {}, answer: '', memoryIds: [] };
        if (heard.transcript) {
          const embedder = opts.examples !== false && config.voice.intentExamples.enabled ? await loadSentenceEmbedder(models) : undefined;
          result = await ask(heard.transcript, {
            memory,
            embedder,
            thresholds: config.voice.intentExamples,
            confirmSeconds: config.voice.confirmSeconds,
          });
        }
        result = { ...result, transcript: heard.transcript, confidence: heard.confidence };
        output(opts.json, result, () =>
          heard.utterances === 0
            ? 'no speech heard'
            : `"${result.transcript}" (${heard.engine}, confidence ${result.confidence})\n${result.answer}\n  intent: ${result.intent} ${JSON.stringify(result.slots)}\n  memory: ${result.memoryIds.join(' ') || '-'}`,
        );
      } finally {
        await stt.dispose();
        await vad.dispose();
        memory.close();
      }
    });
}
