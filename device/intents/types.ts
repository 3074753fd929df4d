/* What the intent stage hands to the answer stage. */

export const INTENTS = [
  'who-is-this',
  'where-met',
  'last-seen',
  'what-know',
  'remember',
  'enroll',
  'forget',
  'confirm',
  'deny',
  'pair-phone',
  'unpair-phones',
  'repeat',
  'louder',
  'quieter',
  'shorter',
  'more-detail',
  'fallback',
] as const;

export type IntentName = (typeof INTENTS)[number];

/**
 * Slots, all optional strings:
 * - `name`: a person's name as memory spells it (resolved), or as spoken when not in memory
 *   (then `nameKnown` is "no" and the answer stage never speaks it);
 * - `fact`: what to remember; `note`: what was said after "this is X";
 * - `target`: "in-view" when the question is about the person in front of the wearer.
 */
export type Slots = Record<string, string>;

export interface IntentResult {
  intent: IntentName;
  slots: Slots;
  via: 'rules' | 'examples' | 'fallback';
  /** 1 for a rule match; the cosine similarity of the nearest example otherwise. */
  score: number;
  /** The utterance after cleaning (fillers, wake phrase and punctuation removed). */
  cleaned: string;
}

/** Sentence embeddings (models/sentence, USE lite), as the intent classifier sees them. */
export interface SentenceEmbedder {
  readonly modelId?: string;
  embed(texts: string[]): Promise<ArrayLike<number>[]>;
}
