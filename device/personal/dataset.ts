import type { Memory, MemoryExport, Person, Profile } from '../../memory/types.js';
import { day } from './evidence.js';

/*
 * The fine-tuning dataset of `mnemo personal export`: the common chat-messages JSONL
 * form ({"messages": [{role, content}, ...]} per line) that LoRA trainers read. It is
 * built from what the wearer lived and taught: facts (notes), where and when they met
 * people (encounters), the wearer's confirmed Q&A and, above all, their corrections.
 * It leaves the device only when the wearer moves the file.
 */

export interface ChatExample {
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
}

export interface DatasetStats {
  facts: number;
  encounters: number;
  confirmed: number;
  corrections: number;
}

function systemPrompt(profile: Profile): string {
  const who = profile.name ? `${profile.name}'s` : "the wearer's";
  const knows = profile.domains.length ? ` They know about ${profile.domains.join(', ')}.` : '';
  return `You are mnemo, ${who} personal memory on their glasses. Answer from what they lived, briefly; say when you do not know.${knows}`;
}

function sentenceCase(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

function example(system: string, user: string, assistant: string): ChatExample {
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
  };
}

export function buildDataset(memory: Memory): { examples: ChatExample[]; stats: DatasetStats } {
  const data: MemoryExport = memory.export();
  const system = systemPrompt(data.profile);
  const examples: ChatExample[] = [];
  const stats: DatasetStats = { facts: 0, encounters: 0, confirmed: 0, corrections: 0 };
  for (const p of data.people as Array<Person & MemoryExport['people'][number]>) {
    for (const n of p.notes) {
      examples.push(example(system, `What do I know about ${p.name}?`, n.text));
      stats.facts++;
    }
    for (const e of p.encounters) {
      const where = e.place ? ` at ${e.place}` : '';
      const about = e.context ? ` ${sentenceCase(e.context)}` : '';
      examples.push(example(system, `Where did I meet ${p.name}?`, `You met ${p.name}${where} on ${day(e.startedAt)}.${about}`));
      stats.encounters++;
    }
  }
  for (const n of data.notes.filter((x) => x.personId === null)) {
    examples.push(example(system, 'What did I ask you to remember?', n.text));
    stats.facts++;
  }
  for (const f of memory.feedback.list(1_000_000).reverse()) {
    if (f.correction === null) {
      examples.push(example(system, f.question, f.answer));
      stats.confirmed++;
    } else if (f.correction !== 'wrong') {
      // The wearer's correction is the answer to learn; the wrong answer is not used.
      examples.push(example(system, f.question, f.correction));
      stats.corrections++;
    }
  }
  return { examples, stats };
}

export function toJsonl(examples: ChatExample[]): string {
  return examples.map((e) => JSON.stringify(e)).join('\n') + (examples.length ? '\n' : '');
}
