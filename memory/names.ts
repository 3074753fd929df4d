/*
 * Names are matched case- and accent-insensitively ("jose" finds "José", "ANA"
 * finds "Ana"): the key is NFD without combining marks, lower-cased, single-spaced.
 */

const MARKS = /\p{M}+/gu;

export function nameKey(name: string): string {
  return name.normalize('NFD').replace(MARKS, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Normalises text char by char, remembering where each normalised char came from. */
function folded(text: string): { text: string; from: number[] } {
  let out = '';
  const from: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.normalize('NFD').replace(MARKS, '').toLowerCase();
    for (let j = 0; j < f.length; j++) from.push(i);
    out += f;
    i += ch.length;
  }
  from.push(text.length);
  return { text: out, from };
}

const WORD = /[\p{L}\p{N}]/u;

/**
 * Replaces every whole-word occurrence of each term (case- and accent-insensitive)
 * with `replacement`. Used to take a forgotten person's name out of kept text.
 */
export function redact(text: string, terms: string[], replacement = '[forgotten]'): string {
  const keys = [...new Set(terms.map(nameKey).filter((t) => t.length >= 2))].sort((a, b) => b.length - a.length);
  let current = text;
  for (const key of keys) {
    const f = folded(current);
    let out = '';
    let last = 0;
    let at = f.text.indexOf(key);
    while (at >= 0) {
      const start = f.from[at] as number;
      const end = f.from[at + key.length] as number;
      const before = current.slice(0, start).slice(-1);
      const after = current.slice(end, end + 1);
      if (!WORD.test(before) && !WORD.test(after) && start >= last) {
        out += current.slice(last, start) + replacement;
        last = end;
      }
      at = f.text.indexOf(key, at + key.length);
    }
    current = out + current.slice(last);
  }
  return current;
}

/** Does the text mention any of the terms as a whole word? */
export function mentions(text: string, terms: string[]): boolean {
  return redact(text, terms, '\u0000') !== text;
}
