/*
 * Cleaning an utterance before the rules see it. Speech-to-text gives lowercase
 * words without punctuation; typed text (`mnemo ask`) gives anything. Both end up
 * as one line of words with the original case kept (names and facts are quoted
 * back from it), contractions of question words expanded, fillers and the wake
 * phrase removed.
 */

/** Strips accents and case, for comparing names: "José" and "jose" are the same key. */
export function foldKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Only contractions whose expansion is unambiguous; "Ana's" stays (possessive).
const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\b(where|when|how|who|what|why)'d\b/gi, '$1 did'],
  [/\b(where|when|how|who|what|that|it|he|she|there|here|this|name)'s\b/gi, '$1 is'],
  [/\b(who|what|where|when|how|why)'re\b/gi, '$1 are'],
  [/\b(what|who|where|i|you|we|they)'ve\b/gi, '$1 have'],
  [/\b(i|you|he|she|we|they)'ll\b/gi, '$1 will'],
  [/\bi'm\b/gi, 'i am'],
  // "I'd like" is far more common in questions to mnemo than "I had".
  [/\b(i|you|we|they)'d\s+(like|love|want|prefer)\b/gi, '$1 would $2'],
  [/\b(can)'t\b/gi, 'can not'],
  [/\bwon't\b/gi, 'will not'],
  [/\b(do|does|did|is|are|was|were|have|has|had|could|would|should)n't\b/gi, '$1 not'],
  [/\bwhats\b/gi, 'what is'],
  [/\bwhos\b/gi, 'who is'],
  [/\bwheres\b/gi, 'where is'],
  [/\bthats\b/gi, 'that is'],
  [/\bwhom\b/gi, 'who'],
  [/\bwanna\b/gi, 'want to'],
  [/\bgimme\b/gi, 'give me'],
];

const FILLERS = /\b(?:u+m+|u+h+m*|e+r+m*|e+h+|h+m+|mm+|ah+|like,|you know,|i mean,)(?=[\s,]|$)/gi;

// Wake phrases (and how STT tends to mishear "mnemo") at the start or end.
const WAKE = String.raw`(?:(?:hey|hi|ok|okay|yo|hello)\s+)?(?:mnemo|nemo|nemos|neemo|memo|mnemonic|jarvis)`;
const WAKE_START = new RegExp(String.raw`^(?:(?:hey|hi|ok|okay)\s+)?${WAKE}\b[\s,]*`, 'i');
const WAKE_END = new RegExp(String.raw`[\s,]+${WAKE}$`, 'i');

/** Cleans an utterance; keeps case, apostrophes and hyphens inside words. */
export function cleanUtterance(raw: string): string {
  let s = raw.normalize('NFC').replace(/[\u2018\u2019\u02bc`´]/g, "'");
  s = s.replace(/[\u201c\u201d"]/g, ' ');
  // Punctuation that separates words: keep a comma as a soft boundary ("this is Tom, he ...").
  s = s.replace(/[.!?;:…()[\]{}]+/g, ' , ').replace(/\s+-\s+|--+/g, ' , ');
  s = s.replace(/\s+'|'\s+|^'|'$/g, ' ');
  s = s.replace(FILLERS, ' ');
  for (const [re, to] of CONTRACTIONS) s = s.replace(re, to);
  s = s.replace(/\s*,\s*/g, ', ').replace(/\s+/g, ' ');
  s = s.replace(/^(?:,\s*)+|(?:,\s*)+$/g, '').trim();
  for (let i = 0; i < 3; i++) {
    const next = s
      .replace(WAKE_START, '')
      .replace(WAKE_END, '')
      .replace(/^(?:,\s*)+|(?:,\s*)+$/g, '')
      .trim();
    if (next === s) break;
    s = next;
  }
  return s.replace(/(?:,\s*){2,}/g, ', ').trim();
}

/** Drops the soft commas too (for the rules that do not care about them). */
export function withoutCommas(text: string): string {
  return text.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
}

/** "tom" -> "Tom", "ana lima" -> "Ana Lima"; a name already cased ("McKay", "José") stays as spoken. */
export function titleCaseName(name: string): string {
  if (/\p{Lu}/u.test(name)) return name;
  return name.replace(/(^|[\s'-])(\p{Ll})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}
