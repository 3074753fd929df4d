/*
 * Splits text into sentences so the first one can be synthesised and sent while the
 * rest wait: the wearer hears the name before the note about them is ready.
 * Intl.Segmenter (ICU) knows the punctuation of every language, Mandarin's 。！？
 * included; Node's ICU has no abbreviation suppressions, so "Dr. Smith" is re-joined
 * here. An overlong sentence is cut at a clause boundary (comma, semicolon, dash) or a
 * space, so one run-on sentence cannot hold back the first chunk.
 */

const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'jr',
  'sr',
  'mt',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'no',
  'approx',
  'dept',
  'inc',
  'ltd',
  'co',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
]);

export const MAX_SENTENCE_CHARS = 160;

export function splitSentences(text: string, locale = 'en', maxChars = MAX_SENTENCE_CHARS): string[] {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
  const merged: string[] = [];
  let carry = '';
  for (const { segment } of segmenter.segment(text)) {
    carry += segment;
    if (endsWithAbbreviation(carry)) continue;
    merged.push(carry);
    carry = '';
  }
  if (carry) merged.push(carry);
  return merged
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s))
    .flatMap((s) => cutLong(s, maxChars));
}

function endsWithAbbreviation(s: string): boolean {
  const m = /(?:^|[\s(])([\p{L}.]+)\.\s*$/u.exec(s);
  if (!m) return false;
  const word = (m[1] as string).toLowerCase();
  // A single capital letter is an initial ("J. R. R. Tolkien").
  return ABBREVIATIONS.has(word) || /^\p{Lu}$/u.test(m[1] as string);
}

function cutLong(sentence: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    let cut = Math.max(window.lastIndexOf(', '), window.lastIndexOf('; '), window.lastIndexOf(' - '), window.lastIndexOf('，'));
    if (cut < maxChars / 3) cut = window.lastIndexOf(' ');
    if (cut < maxChars / 3) cut = maxChars - 1;
    out.push(rest.slice(0, cut + 1).trim());
    rest = rest.slice(cut + 1).trim();
  }
  if (rest) out.push(rest);
  return out;
}

/**
 * Cuts text to at most `maxChars`: at the last sentence end that fits, else at the
 * last word, so the wearer never hears half a word.
 */
export function truncateText(text: string, maxChars: number, locale = 'en'): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxChars) return clean;
  let kept = '';
  for (const s of splitSentences(clean, locale, Number.MAX_SAFE_INTEGER)) {
    const next = kept ? `${kept} ${s}` : s;
    if (next.length > maxChars) break;
    kept = next;
  }
  if (kept) return kept;
  const window = clean.slice(0, maxChars);
  const space = window.lastIndexOf(' ');
  return (space > 0 ? window.slice(0, space) : window).trim();
}
