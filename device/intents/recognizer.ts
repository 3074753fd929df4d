import type { Classification, ExampleClassifier } from './classifier.js';
import { type NamedPerson, NameIndex } from './names.js';
import { cleanUtterance } from './normalize.js';
import { IN_VIEW_WORDS, matchRules, stripFraming } from './rules.js';
import { parseIntroduction, resolveSlots } from './slots.js';
import type { IntentName, IntentResult, Slots } from './types.js';

/*
 * Utterance -> intent and slots: the rule grammar first; when no rule matches,
 * the nearest-example classifier (if one is loaded); else "fallback" (the
 * personal model, or "I don't know that yet"). A classifier result the stage
 * should confirm first carries `decision: 'ask'`.
 */

export interface Recognition extends IntentResult {
  /** For classifier results: act on it, or confirm with the wearer first. */
  decision?: Classification['decision'];
}

export interface RecognizerDeps {
  /** The people in memory (name matching); called once per utterance. */
  people: () => NamedPerson[];
  classifier?: ExampleClassifier;
}

export class IntentRecognizer {
  constructor(private readonly deps: RecognizerDeps) {}

  names(): NameIndex {
    return new NameIndex(this.deps.people());
  }

  async recognize(raw: string): Promise<Recognition> {
    const cleaned = cleanUtterance(raw);
    const names = this.names();
    if (!cleaned) return { intent: 'fallback', slots: {}, via: 'fallback', score: 0, cleaned };
    const rule = matchRules(cleaned);
    if (rule) {
      const { intent, slots } = resolveSlots(rule.intent, rule.slots, names, cleaned);
      if (intent !== 'fallback') return { intent, slots, via: 'rules', score: 1, cleaned };
    }
    if (this.deps.classifier) {
      const c = await this.deps.classifier.classify(stripFraming(cleaned), names);
      // A yes or no is never asked back ("did you mean: yes?"): only a clear one counts.
      const yesNo = c.intent === 'confirm' || c.intent === 'deny';
      if (c.decision === 'accept' || (c.decision === 'ask' && !yesNo)) {
        const slots = slotsFromFreeText(c.intent, stripFraming(cleaned), names);
        if (slots) return { intent: c.intent, slots, via: 'examples', score: c.score, cleaned, decision: c.decision };
      }
      return { intent: 'fallback', slots: {}, via: 'fallback', score: c.score, cleaned };
    }
    return { intent: 'fallback', slots: {}, via: 'fallback', score: 0, cleaned };
  }
}

const NEEDS_PERSON = new Set<IntentName>(['where-met', 'last-seen', 'what-know', 'forget']);
const PRONOUN = /\b(?:him|her|them|he|she|they|this person|that person|this guy|that guy)\b/i;

/** Slots for a phrasing no rule knew: names found anywhere in it; undefined when the intent needs what is not there. */
export function slotsFromFreeText(intent: IntentName, text: string, names: NameIndex): Slots | undefined {
  if (NEEDS_PERSON.has(intent)) {
    const m = names.findMentioned(text);
    if (m) return { name: m.person.name, personId: String(m.person.id) };
    if (PRONOUN.test(text) || IN_VIEW_WORDS.test(text)) return { target: 'in-view' };
    // A person question about someone not in memory: the answer stage says it does not know them.
    return intent === 'forget' ? undefined : { nameKnown: 'no' };
  }
  if (intent === 'remember') {
    let fact = text;
    // Drop the framing words of however the wearer said "remember": "jot this down: ..." -> "...".
    for (let i = 0; i < 3; i++)
      fact = fact.replace(/^(?:\S+\s+){0,3}?(?:that|this|down|note|remember|mind|forget|save|store)\b\s*[:,]?\s*/i, '');
    fact = fact.trim();
    if (!fact) return undefined;
    const { slots } = resolveSlots('remember', { fact }, names, text);
    return slots;
  }
  if (intent === 'enroll') {
    const m = /\b(?:is|meet|to|introduce|called|named|as)\s+(.+)$/i.exec(text);
    return m?.[1] ? parseIntroduction(m[1]) : undefined;
  }
  return {};
}
