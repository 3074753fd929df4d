import type { Profile } from '../../memory/types.js';
import type { WhisperPriority } from '../contracts.js';
import type { IntentName, Slots } from '../intents/types.js';
import type { AnswerContext } from './answerer.js';
import { type Answer, reply } from './facts.js';

/*
 * The intents that do something (store a note, enroll a face, pair a phone,
 * change volume or length) and say that they did. Acknowledgements cite the rows
 * they wrote; a name is spoken only once it is in memory.
 */

const VOLUME_STEP = 0.15;
const LENGTHS: Profile['length'][] = ['short', 'normal', 'detailed'];

export async function actionAnswer(
  intent: IntentName,
  slots: Slots,
  ctx: AnswerContext,
  length: Profile['length'],
): Promise<Answer & { priority?: WhisperPriority }> {
  switch (intent) {
    case 'remember':
      return remember(slots, ctx);
    case 'enroll':
      return enroll(slots, ctx);
    case 'pair-phone': {
      if (!ctx.pairing) return reply("Phone pairing isn't available right now.", 'pairing');
      const { code } = ctx.pairing.startPairing();
      // Digits one by one, so the speech engine does not read "481526" as a number.
      return { ...reply(`Your pairing code is ${code.split('').join(' ')}.`, 'pairing'), priority: 'system' };
    }
    case 'unpair-phones': {
      if (!ctx.pairing) return reply("Phone pairing isn't available right now.", 'pairing');
      const n = ctx.pairing.revokeAll();
      return reply(n === 0 ? 'No phones were paired.' : n === 1 ? 'Unpaired one phone.' : `Unpaired ${n} phones.`, 'pairing');
    }
    case 'repeat': {
      const last = ctx.conversation.lastAnswer();
      if (!last) return reply("I haven't said anything yet.", 'dialog');
      // Rows forgotten since are not repeated.
      if (!last.memoryIds.every((id) => ctx.memory.exists(id))) return reply("I can't repeat that any more.", 'dialog');
      return reply(last.text, 'repeat', last.memoryIds);
    }
    case 'louder':
    case 'quieter': {
      if (!ctx.whisper) return reply("Volume control isn't available.", 'volume');
      const before = ctx.whisper.volume();
      const next = Math.min(1, Math.max(0.1, before + (intent === 'louder' ? VOLUME_STEP : -VOLUME_STEP)));
      if (Math.abs(next - before) < 1e-6)
        return reply(intent === 'louder' ? 'That is as loud as I go.' : 'That is as quiet as I go.', 'volume');
      ctx.whisper.setVolume(next);
      return reply(intent === 'louder' ? 'Louder.' : 'Quieter.', 'volume');
    }
    case 'shorter':
    case 'more-detail': {
      const i = LENGTHS.indexOf(length) + (intent === 'shorter' ? -1 : 1);
      const next = LENGTHS[Math.min(LENGTHS.length - 1, Math.max(0, i))] as Profile['length'];
      if (next === length)
        return reply(intent === 'shorter' ? 'My answers are already as short as they get.' : 'My answers are already detailed.', 'profile');
      ctx.memory.profile.set({ length: next }, 'voice');
      return reply(intent === 'shorter' ? 'Okay, shorter answers.' : 'Okay, more detail from now on.', 'profile');
    }
    default:
      return reply("I don't know that yet.", 'none');
  }
}

function remember(slots: Slots, ctx: AnswerContext): Answer {
  const fact = slots.fact?.trim();
  if (!fact) return reply('What should I remember?', 'memory');
  let personId: number | null = slots.personId ? Number(slots.personId) : null;
  if (personId === null && slots.target === 'in-view') personId = ctx.faces?.personInView()?.personId ?? null;
  const person = personId === null ? undefined : ctx.memory.people.get(personId);
  const note = ctx.memory.notes.add({ personId: person?.id ?? null, text: fact, utteranceId: ctx.utteranceId ?? null, actor: 'voice' });
  if (!person) return reply('Okay, noted.', 'memory', [`note:${note.id}`]);
  return reply(`Okay, noted for ${person.name}.`, 'memory', [`note:${note.id}`, `person:${person.id}`]);
}

async function enroll(slots: Slots, ctx: AnswerContext): Promise<Answer> {
  const name = slots.name?.trim();
  if (!name) return reply("I didn't catch the name.", 'faces');
  if (!ctx.faces) return reply("I can't see anyone to remember.", 'faces');
  const outcome = await ctx.faces.enrollFaceInView(name, { note: slots.note });
  if (!outcome.ok) {
    const why = {
      'no-face': "I can't see a face clearly enough.",
      ambiguous: 'I see more than one face. Look at just that person.',
      'low-quality': "The face isn't clear enough. Try again a little closer.",
    } as const;
    return reply(why[outcome.reason], 'faces');
  }
  const person = ctx.memory.people.get(outcome.personId);
  if (!person) return reply("I couldn't store that face.", 'faces');
  const ids = [`person:${person.id}`];
  if (outcome.encounterId !== null) ids.push(`encounter:${outcome.encounterId}`);
  // The faces stage stores the note with the person; cite it when it is there.
  const note = slots.note ? ctx.memory.notes.forPerson(person.id).find((n) => n.text === slots.note) : undefined;
  if (note) ids.push(`note:${note.id}`);
  const lead = outcome.created ? `Got it, this is ${person.name}.` : `Okay, another look at ${person.name}.`;
  return reply(note ? `${lead} Noted: ${note.text}.` : lead, 'faces', ids);
}
