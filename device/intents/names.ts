import { foldKey } from './normalize.js';

/*
 * The names of the people in memory, folded for matching spoken or typed names:
 * case, accents and a possessive "'s" do not matter; a first or last name alone
 * matches when only one person has it; one letter off matches a long-enough name
 * when exactly one person is that close (STT spells "Ana" as "anna").
 */

export interface NamedPerson {
  id: number;
  name: string;
}

export interface NameMention {
  person: NamedPerson;
  /** The words of the utterance that named them, as spoken. */
  spoken: string;
}

function damerauWithin1(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const restA = a.slice(i + 1);
  const restB = b.slice(i + 1);
  if (a.length === b.length) {
    return restA === restB || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

export class NameIndex {
  private readonly exact = new Map<string, NamedPerson[]>();
  private readonly partial = new Map<string, NamedPerson[]>();
  readonly people: NamedPerson[];

  constructor(people: NamedPerson[]) {
    this.people = people;
    for (const p of people) {
      const key = foldKey(p.name);
      if (!key) continue;
      push(this.exact, key, p);
      const words = key.split(' ');
      if (words.length > 1) for (const w of new Set(words)) push(this.partial, w, p);
    }
  }

  /** The one person a spoken name means, or undefined (unknown or ambiguous). */
  resolve(spoken: string): NamedPerson | undefined {
    const key = foldKey(spoken)
      .replace(/'s$|'$/, '')
      .replace(/^(?:the|my|our|mister|mr|mrs|ms|miss|doctor|dr)\s+/, '');
    if (!key) return undefined;
    const exact = this.exact.get(key);
    if (exact) return exact.length === 1 ? exact[0] : undefined;
    const partial = this.partial.get(key);
    if (partial) return partial.length === 1 ? partial[0] : undefined;
    if (key.replace(/ /g, '').length < 4) return undefined;
    const near = new Set<NamedPerson>();
    for (const [k, list] of [...this.exact, ...this.partial]) {
      if (damerauWithin1(key, k)) for (const p of list) near.add(p);
    }
    return near.size === 1 ? [...near][0] : undefined;
  }

  /** The longest run of words (up to 3) in the text that names exactly one person, leftmost first. */
  findMentioned(text: string): NameMention | undefined {
    const words = text.split(/[\s,]+/).filter(Boolean);
    let best: NameMention | undefined;
    let bestLen = 0;
    for (let i = 0; i < words.length; i++) {
      for (let len = Math.min(3, words.length - i); len >= 1; len--) {
        if (len <= bestLen) break;
        const spoken = words.slice(i, i + len).join(' ');
        const folded = foldKey(spoken);
        if (STOP.has(folded)) continue;
        const person = this.resolveStrict(spoken);
        if (person) {
          best = { person, spoken: spoken.replace(/'s$/i, '') };
          bestLen = len;
          break;
        }
      }
    }
    return best;
  }

  /** Every name and name part, for the speech grammar. */
  vocabulary(): string[] {
    const out = new Set<string>();
    for (const key of [...this.exact.keys(), ...this.partial.keys()]) out.add(key);
    return [...out];
  }

  // Mentions inside free text must match exactly (no one-letter slack): "and" is not "Ana".
  private resolveStrict(spoken: string): NamedPerson | undefined {
    const key = foldKey(spoken).replace(/'s$|'$/, '');
    const exact = this.exact.get(key);
    if (exact) return exact.length === 1 ? exact[0] : undefined;
    const partial = this.partial.get(key);
    return partial?.length === 1 ? partial[0] : undefined;
  }
}

const STOP = new Set(['i', 'a', 'the', 'he', 'she', 'it', 'is', 'and', 'me', 'my', 'you']);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
