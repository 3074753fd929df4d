import { logger } from '../../config/log.js';
import { dot } from '../vector-math.js';
import { PLACEHOLDER_NAME, SEED_EXAMPLES } from './examples.js';
import type { NameIndex } from './names.js';
import { cleanUtterance, foldKey } from './normalize.js';
import { stripFraming } from './rules.js';
import type { IntentName, SentenceEmbedder } from './types.js';

/*
 * Nearest-example intent classifier on sentence embeddings (USE lite): for each
 * intent, the best cosine similarity between the question and that intent's
 * examples; the best intent wins when it is close enough and clearly ahead of the
 * runner-up. Between "ask" and "accept" the stage asks the wearer whether that was
 * meant, and a yes adds the phrasing to the examples (learned.ts).
 */

export interface Example {
  text: string;
  intent: IntentName;
}

export interface Classification {
  intent: IntentName;
  score: number;
  runnerUp: IntentName | null;
  margin: number;
  /** accept: act on it; ask: confirm with the wearer first; reject: not a command. */
  decision: 'accept' | 'ask' | 'reject';
}

export interface ClassifierThresholds {
  accept: number;
  ask: number;
  margin: number;
}

export const DEFAULT_THRESHOLDS: ClassifierThresholds = { accept: 0.72, ask: 0.6, margin: 0.04 };

interface Stored extends Example {
  key: string;
  vector: Float32Array;
}

export class ExampleClassifier {
  private readonly stored: Stored[] = [];
  private readonly log = logger('mnemo:intents');

  constructor(
    private readonly embedder: SentenceEmbedder,
    private readonly thresholds: ClassifierThresholds = DEFAULT_THRESHOLDS,
  ) {}

  /** Embeds the seed examples plus the wearer's learned ones (once; later calls add only new ones). */
  async prepare(learned: Example[] = []): Promise<void> {
    const seeds = Object.entries(SEED_EXAMPLES).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent: intent as IntentName })));
    await this.addAll([...seeds, ...learned]);
    this.log.debug({ examples: this.stored.length }, 'intent examples ready');
  }

  async addAll(examples: Example[]): Promise<number> {
    const fresh = examples.filter((e) => !this.stored.some((s) => s.key === foldKey(e.text) && s.intent === e.intent));
    if (!fresh.length) return 0;
    const texts = fresh.map((e) => e.text.replaceAll('{name}', PLACEHOLDER_NAME));
    const vectors = await this.embedder.embed(texts);
    fresh.forEach((e, i) => {
      this.stored.push({ ...e, key: foldKey(e.text), vector: unit(vectors[i] ?? []) });
    });
    return fresh.length;
  }

  get size(): number {
    return this.stored.length;
  }

  async classify(text: string, names?: NameIndex): Promise<Classification> {
    const [vector] = await this.embedder.embed([maskNames(text, names)]);
    const q = unit(vector ?? []);
    const best = new Map<IntentName, number>();
    for (const s of this.stored) {
      const sim = dot(q, s.vector);
      if (sim > (best.get(s.intent) ?? -2)) best.set(s.intent, sim);
    }
    const ranked = [...best].sort((a, b) => b[1] - a[1]);
    const [top, second] = ranked;
    if (!top) return { intent: 'fallback', score: 0, runnerUp: null, margin: 0, decision: 'reject' };
    const margin = top[1] - (second?.[1] ?? -1);
    const t = this.thresholds;
    let decision: Classification['decision'] = 'reject';
    if (top[0] !== 'fallback' && margin >= t.margin) decision = top[1] >= t.accept ? 'accept' : top[1] >= t.ask ? 'ask' : 'reject';
    return { intent: top[0], score: top[1], runnerUp: second?.[0] ?? null, margin, decision };
  }
}

/** Names of people in memory become the placeholder, as in the examples. */
export function maskNames(text: string, names?: NameIndex, placeholder = PLACEHOLDER_NAME): string {
  let out = text;
  for (let i = 0; i < 3 && names; i++) {
    const m = names.findMentioned(out);
    if (!m) break;
    out = out.replace(new RegExp(`(?<![\\p{L}])${escapeRe(m.spoken)}(?![\\p{L}])`, 'iu'), placeholder);
  }
  return out;
}

/** A phrasing as an example: cleaned, framing dropped, names of people as `{name}` (so it generalises to anyone). */
export function exampleOf(text: string, names?: NameIndex): string {
  return maskNames(stripFraming(cleanUtterance(text)), names, '{name}');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unit(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v as ArrayLike<number>);
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / n;
  return out;
}
