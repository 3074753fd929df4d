import { logger } from '../../config/log.js';
import type { Memory, Person } from '../../memory/types.js';
import type { Clock, FacesInView, PersonalModel, PhonePairing, WhisperPriority, WhisperSink } from '../contracts.js';
import type { ExampleClassifier } from '../intents/classifier.js';
import { learnExample } from '../intents/learned.js';
import { NameIndex } from '../intents/names.js';
import type { Recognition } from '../intents/recognizer.js';
import type { IntentName, Slots } from '../intents/types.js';
import { actionAnswer } from './actions.js';
import type { Conversation } from './conversation.js';
import { spokenDate } from './dates.js';
import { type Answer, at, byStart, compose, describePerson, lastSeenAt, metFact, reply } from './facts.js';

/*
 * Grounded answers: every sentence comes from memory rows and cites them; a name
 * is only spoken when it is a person's name in memory (never the name as heard);
 * with nothing to go on the answer is "I don't know", never a guess.
 */

export interface AnswerContext {
  memory: Memory;
  clock: Clock;
  conversation: Conversation;
  faces?: FacesInView;
  pairing?: PhonePairing;
  whisper?: WhisperSink;
  personalModel?: PersonalModel;
  /** Learns a phrasing the wearer confirmed ("did you mean ...?" - "yes"). */
  classifier?: ExampleClassifier;
  /** The stored utterance this answers (notes cite it). */
  utteranceId?: number | null;
  signal?: AbortSignal;
}

export interface SpokenReply extends Answer {
  priority: WhisperPriority;
}

export const SAY = {
  unknownPerson: "I don't know anyone by that name.",
  whoDoYouMean: "I'm not sure who you mean.",
  noOneInView: "I don't recognise anyone in view.",
  cannotSee: "I can't see anyone right now.",
  dontKnow: "I don't know.",
  notYet: "I don't know that yet.",
} as const;

const log = logger('mnemo:answers');

export async function answerIntent(rec: Recognition, question: string, ctx: AnswerContext): Promise<SpokenReply> {
  const out = await route(rec, question, ctx);
  // The grounding invariant: a cited row that does not exist is a bug; drop it and say so at error level.
  const missing = out.memoryIds.filter((id) => !ctx.memory.exists(id));
  if (missing.length) {
    log.error({ intent: rec.intent, missing: missing.length }, 'answer cited memory ids that do not exist');
    return { text: SAY.dontKnow, memoryIds: [], via: out.via, priority: 'answer' };
  }
  return { priority: 'answer', ...out };
}

async function route(rec: Recognition, question: string, ctx: AnswerContext): Promise<Answer & { priority?: WhisperPriority }> {
  const now = ctx.clock.now();
  if (rec.intent === 'confirm' || rec.intent === 'deny') return settle(rec.intent === 'confirm', ctx);
  ctx.conversation.clear();
  // Nothing to confirm about someone memory does not know: the answer says so directly.
  if (rec.decision === 'ask' && rec.slots.nameKnown !== 'no') {
    ctx.conversation.ask({ kind: 'clarify', intent: rec.intent, slots: rec.slots, phrasing: question }, now);
    return reply(
      `Did you mean: ${describeIntent(rec.intent, rec.slots, ctx.memory)}? Say yes or no.`,
      'clarify',
      citedPerson(rec.slots, ctx.memory),
    );
  }
  return run(rec.intent, rec.slots, question, ctx);
}

export async function run(
  intent: IntentName,
  slots: Slots,
  question: string,
  ctx: AnswerContext,
): Promise<Answer & { priority?: WhisperPriority }> {
  const now = ctx.clock.now();
  const length = ctx.memory.profile.get().length;
  switch (intent) {
    case 'who-is-this': {
      if (!ctx.faces) return reply(SAY.cannotSee, 'faces');
      const p = personInView(ctx);
      return p ? describePerson(ctx.memory, p, now, length, 'memory') : reply(SAY.noOneInView, 'faces');
    }
    case 'where-met':
    case 'last-seen':
    case 'what-know': {
      const found = target(slots, ctx);
      if ('say' in found) return reply(found.say, 'memory');
      const p = found.person;
      if (intent === 'what-know') return describePerson(ctx.memory, p, now, length, 'memory');
      const encounters = byStart(ctx.memory.encounters.forPerson(p.id));
      if (!encounters.length) {
        const what = intent === 'where-met' ? 'where you met' : 'when you last saw';
        return reply(`I don't know ${what} ${p.name}.`, 'memory', [`person:${p.id}`]);
      }
      if (intent === 'where-met') return compose([metFact(p, encounters[0]!, now)], 'memory', length);
      const last = [...encounters].sort((a, b) => lastSeenAt(b) - lastSeenAt(a))[0]!;
      const place = last.place ? ` ${at(last.place)}` : '';
      return compose(
        [{ text: `You last saw ${p.name} ${spokenDate(lastSeenAt(last), now)}${place}`, ids: [`person:${p.id}`, `encounter:${last.id}`] }],
        'memory',
        length,
      );
    }
    case 'forget': {
      const found = target(slots, ctx);
      if ('say' in found) return reply(found.say, 'memory');
      ctx.conversation.ask({ kind: 'forget', personId: found.person.id }, now);
      return reply(`Forget ${found.person.name} and everything about them? Say yes to confirm.`, 'memory', [`person:${found.person.id}`]);
    }
    case 'fallback':
      return fallback(question, ctx);
    default:
      return actionAnswer(intent, slots, ctx, length);
  }
}

/** A yes or no: to "forget X?", to "did you mean ...?", or to nothing. */
async function settle(yes: boolean, ctx: AnswerContext): Promise<Answer & { priority?: WhisperPriority }> {
  const now = ctx.clock.now();
  const open = ctx.conversation.take(now);
  if (!open) return reply(yes ? 'There is nothing to confirm.' : 'Okay.', 'dialog');
  if (open.expired) return reply(yes ? 'That question timed out. Please ask again.' : 'Okay.', 'dialog');
  if (!yes) return reply('Okay, cancelled.', 'dialog');
  const p = open.pending;
  if (p.kind === 'forget') {
    if (!ctx.memory.people.get(p.personId)) return reply(SAY.unknownPerson, 'memory');
    ctx.memory.people.forget(p.personId, 'voice');
    // The name is gone from memory, so it is not spoken any more.
    return reply('Done. I have forgotten them.', 'memory');
  }
  const learned = learnExample(ctx.memory.profile, { text: p.phrasing, intent: p.intent }, now, new NameIndex(ctx.memory.people.list()));
  await ctx.classifier?.addAll(learned.slice(-1));
  return run(p.intent, p.slots, p.phrasing, ctx);
}

async function fallback(question: string, ctx: AnswerContext): Promise<Answer> {
  const model = ctx.personalModel;
  if (!model?.available()) return reply(SAY.notYet, 'none');
  const inView = ctx.faces?.personInView()?.personId ?? null;
  const got = await model.answer(question, { personInView: inView, signal: ctx.signal });
  if (!got?.text.trim() || got.memoryIds.length === 0) return reply(SAY.dontKnow, got?.via ?? 'personal-model');
  return { text: got.text.trim(), memoryIds: got.memoryIds, via: got.via };
}

function personInView(ctx: AnswerContext): Person | undefined {
  const seen = ctx.faces?.personInView();
  return seen ? ctx.memory.people.get(seen.personId) : undefined;
}

/** The person a question is about, or what to say instead. */
function target(slots: Slots, ctx: AnswerContext): { person: Person } | { say: string } {
  if (slots.personId) {
    const p = ctx.memory.people.get(Number(slots.personId));
    return p ? { person: p } : { say: SAY.unknownPerson };
  }
  if (slots.nameKnown === 'no') return slots.heard ? { say: SAY.unknownPerson } : { say: SAY.whoDoYouMean };
  if (slots.target === 'in-view') {
    if (!ctx.faces) return { say: SAY.cannotSee };
    const p = personInView(ctx);
    return p ? { person: p } : { say: SAY.noOneInView };
  }
  return { say: SAY.whoDoYouMean };
}

function citedPerson(slots: Slots, memory: Memory): string[] {
  return slots.personId && memory.people.get(Number(slots.personId)) ? [`person:${slots.personId}`] : [];
}

/** How a "did you mean ...?" names the intent (with a name only when it is in memory). */
function describeIntent(intent: IntentName, slots: Slots, memory: Memory): string {
  const p = slots.personId ? memory.people.get(Number(slots.personId)) : undefined;
  const who = p?.name ?? (slots.target === 'in-view' ? 'the person in view' : 'them');
  const phrases: Partial<Record<IntentName, string>> = {
    'who-is-this': 'who is in front of you',
    'where-met': `where you met ${who}`,
    'last-seen': `when you last saw ${who}`,
    'what-know': `what I know about ${who}`,
    remember: 'remember that',
    enroll: 'remember this face',
    forget: `forget ${who}`,
    'pair-phone': 'pair a phone',
    'unpair-phones': 'unpair all phones',
    repeat: 'repeat the last answer',
    louder: 'louder',
    quieter: 'quieter',
    shorter: 'shorter answers',
    'more-detail': 'more detailed answers',
  };
  return phrases[intent] ?? 'that';
}
