import { logger } from '../../config/log.js';
import type { Memory } from '../../memory/types.js';
import type { TextGenerator } from '../../models/llm/generator.js';
import type { EventBus } from '../bus.js';
import type { FacesInView } from '../contracts.js';
import type { Part } from '../controller.js';
import { type Embed, refreshVectors, toFloat32 } from './evidence.js';

/*
 * Opt-in conversation summaries (`capture.conversations`, off by default). While a
 * known person is in view, what is transcribed is held in RAM only; when they leave
 * view it becomes one short summary appended to that person's latest encounter, and
 * the transcript is dropped. Nothing anyone said is stored beyond the summary.
 */

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 3);
}

/** Top sentences by embedding centrality (sum of cosine to the others), in spoken order. */
export async function extractiveSummary(sentences: string[], embed: Embed, keep: number): Promise<string> {
  if (sentences.length <= keep) return sentences.join(' ');
  const vs = (await embed(sentences)).map(toFloat32);
  const norm = vs.map((v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1);
  const centrality = vs.map((a, i) =>
    vs.reduce((sum, b, j) => {
      if (i === j) return sum;
      let dot = 0;
      for (let k = 0; k < a.length; k++) dot += (a[k] as number) * (b[k] as number);
      return sum + dot / ((norm[i] as number) * (norm[j] as number));
    }, 0),
  );
  const top = centrality
    .map((c, i) => ({ c, i }))
    .sort((x, y) => y.c - x.c)
    .slice(0, keep)
    .map((x) => x.i)
    .sort((a, b) => a - b);
  return top.map((i) => sentences[i]).join(' ');
}

export interface SummariseDeps {
  generator?: TextGenerator | null;
  embed?: Embed;
  keep: number;
  timeoutMs: number;
}

/** By the LLM when present (falling back on failure), else extractive, else the first sentences. */
export async function summarise(transcript: string[], deps: SummariseDeps): Promise<{ text: string; via: 'llm' | 'extractive' | 'first' }> {
  const sentences = transcript.flatMap(splitSentences);
  if (!sentences.length) return { text: '', via: 'first' };
  if (deps.generator) {
    try {
      const g = await deps.generator.generate(
        [
          { role: 'system', content: 'Summarise the conversation in one short sentence of facts. No names that are not in it.' },
          { role: 'user', content: sentences.join('\n') },
        ],
        { maxNewTokens: 48, timeoutMs: deps.timeoutMs, stop: ['\n'] },
      );
      const text = g.text.trim();
      if (text) return { text, via: 'llm' };
    } catch {
      // The extractive summary below is the fallback.
    }
  }
  if (deps.embed) return { text: await extractiveSummary(sentences, deps.embed, deps.keep), via: 'extractive' };
  return { text: sentences.slice(0, deps.keep).join(' '), via: 'first' };
}

export interface CaptureDeps {
  enabled: boolean;
  memory: Memory;
  bus: EventBus;
  faces: FacesInView;
  summarise: (transcript: string[]) => Promise<{ text: string }>;
  embed?: Embed;
  embeddingModel: string;
}

/** The runtime part that turns transcripts heard while a known person is in view into encounter summaries. */
export function conversationCapture(deps: CaptureDeps): Part & { flush(): Promise<void> } {
  const log = logger('mnemo:personal');
  let current: { personId: number; trackId: string; lines: string[] } | undefined;
  const flush = async () => {
    const c = current;
    current = undefined;
    if (!c?.lines.length) return;
    const { text } = await deps.summarise(c.lines);
    c.lines.length = 0;
    if (!text) return;
    const encounter = deps.memory.encounters.forPerson(c.personId)[0] ?? deps.memory.encounters.start(c.personId, { source: 'voice' });
    const prior = encounter.context?.trim();
    const context = prior ? `${prior}${/[.!?]$/.test(prior) ? '' : '.'} Talked about: ${text}` : `Talked about: ${text}`;
    deps.memory.encounters.update(encounter.id, { context }, 'device');
    if (deps.embed) await refreshVectors(deps.memory, deps.embed, deps.embeddingModel, [`encounter:${encounter.id}`]);
    log.debug({ encounter: encounter.id }, 'conversation summary added');
  };
  return {
    name: 'conversation-capture',
    async start() {
      if (!deps.enabled) return;
      deps.bus.on('conversation-capture', 'stt-end', (e) => {
        const inView = deps.faces.personInView();
        if (!inView) return;
        if (current && current.personId !== inView.personId) void flush();
        if (!current) current = { personId: inView.personId, trackId: inView.trackId, lines: [] };
        current.lines.push(e.transcript);
      });
      deps.bus.on('conversation-capture', 'track-lost', async (e) => {
        if (current && e.trackId === current.trackId) await flush();
      });
    },
    async stop() {
      deps.bus.removeListeners('conversation-capture');
      await flush();
    },
    flush,
  };
}
