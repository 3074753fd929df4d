import type { Person, Profile } from '../../memory/types.js';
import type { ChatMessage } from '../../models/llm/generator.js';
import type { Evidence } from './evidence.js';

/*
 * The prompt: small models follow short, concrete instructions best, and every token
 * of prompt costs prefill time on a Pi, so it is a few lines of rules, the wearer's
 * profile, the numbered memories and the question.
 */

const LENGTH: Record<Profile['length'], string> = {
  short: 'Answer in one short sentence.',
  normal: 'Answer in one or two sentences.',
  detailed: 'Answer in up to four sentences with the details the memories give.',
};

export const IDK = "I don't know that yet.";

export interface PromptInput {
  question: string;
  evidence: Evidence[];
  profile: Profile;
  personInView?: Person | null;
}

export function buildPrompt(input: PromptInput): { messages: ChatMessage[]; memoryIds: string[] } {
  const { profile } = input;
  const wearer = profile.name ? `You help ${profile.name}` : 'You help the wearer of smart glasses';
  const knows = profile.domains.length ? ` They know about ${profile.domains.join(', ')}.` : '';
  const language = profile.language && profile.language !== 'en' ? ` Answer in the language "${profile.language}".` : '';
  const system = [
    `${wearer} remember people they met.${knows}`,
    'Use only the memories given. Cite each memory you use by its id in brackets, like [note:3].',
    `Never name anyone who is not in the memories. If the memories do not answer the question, say exactly: ${IDK}`,
    `${LENGTH[profile.length]}${language}`,
  ].join(' ');
  const lines = input.evidence.map((e) => `[${e.memoryId}] ${e.text}`);
  const inView = input.personInView ? `In view now: ${input.personInView.name} [person:${input.personInView.id}].\n` : '';
  const user = `Memories:\n${lines.length ? lines.join('\n') : '(none)'}\n${inView}Question: ${input.question}`;
  const memoryIds = input.evidence.map((e) => e.memoryId as string);
  if (input.personInView) memoryIds.push(`person:${input.personInView.id}`);
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    memoryIds,
  };
}

/** Token budget for the answer by the wearer's length preference. */
export function answerTokens(length: Profile['length'], max: number): number {
  const want = length === 'short' ? 40 : length === 'normal' ? 64 : 128;
  return Math.min(max, want);
}
