import { execFileSync } from 'node:child_process';

/*
 * Pronunciations (ARPAbet, as CMUdict spells them) for words the PocketSphinx
 * dictionary lacks, mostly people's names ("Siobhan", "Xiaoming"). eSpeak NG's
 * IPA output is mapped phone by phone; without eSpeak NG, crude letter rules
 * still give the decoder something to match rather than dropping the name.
 */

// Longest symbols first: the tokenizer tries 2-character symbols before 1.
const IPA: Record<string, string> = {
  tʃ: 'CH',
  dʒ: 'JH',
  aɪ: 'AY',
  aʊ: 'AW',
  ɔɪ: 'OY',
  eɪ: 'EY',
  oʊ: 'OW',
  əʊ: 'OW',
  ɪə: 'IH R',
  eə: 'EH R',
  ʊə: 'UH R',
  p: 'P',
  b: 'B',
  t: 'T',
  d: 'D',
  k: 'K',
  ɡ: 'G',
  g: 'G',
  f: 'F',
  v: 'V',
  θ: 'TH',
  ð: 'DH',
  s: 'S',
  z: 'Z',
  ʃ: 'SH',
  ʒ: 'ZH',
  h: 'HH',
  m: 'M',
  n: 'N',
  ŋ: 'NG',
  l: 'L',
  ɬ: 'L',
  ɹ: 'R',
  r: 'R',
  j: 'Y',
  w: 'W',
  ɾ: 'T',
  x: 'K',
  i: 'IY',
  ɪ: 'IH',
  ᵻ: 'IH',
  e: 'EH',
  ɛ: 'EH',
  æ: 'AE',
  a: 'AA',
  ɑ: 'AA',
  ɒ: 'AA',
  ɔ: 'AO',
  o: 'OW',
  ʊ: 'UH',
  u: 'UW',
  ʌ: 'AH',
  ə: 'AH',
  ɐ: 'AH',
  ɚ: 'ER',
  ɜ: 'ER',
  ɝ: 'ER',
};

export function ipaToArpabet(ipa: string): string {
  const out: string[] = [];
  const s = ipa.replace(/[ˈˌːˑ\s_-]/g, '').replace(/\u200d/g, '');
  for (let i = 0; i < s.length; ) {
    const two = s.slice(i, i + 2);
    const one = s.slice(i, i + 1);
    const hit = IPA[two] ? two : IPA[one] ? one : undefined;
    if (hit) {
      out.push(IPA[hit] as string);
      i += hit.length;
    } else i += 1; // stress marks, glottal stops, symbols with no ARPAbet phone
  }
  // A doubled phone ("əə" in eSpeak's Xiaoming) is one phone to the decoder;
  // "ər" is one r-coloured vowel in ARPAbet.
  return out
    .filter((p, i) => p !== out[i - 1])
    .join(' ')
    .replace(/\bAH R\b/g, 'ER');
}

const LETTERS: Array<[RegExp, string]> = [
  [/^ch/, 'CH'],
  [/^sh/, 'SH'],
  [/^th/, 'TH'],
  [/^ph/, 'F'],
  [/^ng/, 'NG'],
  [/^ee/, 'IY'],
  [/^oo/, 'UW'],
  [/^ck/, 'K'],
  [/^qu/, 'K W'],
  [/^a/, 'AE'],
  [/^b/, 'B'],
  [/^c/, 'K'],
  [/^d/, 'D'],
  [/^e/, 'EH'],
  [/^f/, 'F'],
  [/^g/, 'G'],
  [/^h/, 'HH'],
  [/^i/, 'IH'],
  [/^j/, 'JH'],
  [/^k/, 'K'],
  [/^l/, 'L'],
  [/^m/, 'M'],
  [/^n/, 'N'],
  [/^o/, 'AA'],
  [/^p/, 'P'],
  [/^r/, 'R'],
  [/^s/, 'S'],
  [/^t/, 'T'],
  [/^u/, 'AH'],
  [/^v/, 'V'],
  [/^w/, 'W'],
  [/^x/, 'K S'],
  [/^y/, 'Y'],
  [/^z/, 'Z'],
];

/** Letter-to-sound rules of last resort. */
export function letterRules(word: string): string {
  const out: string[] = [];
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  while (w.length) {
    const rule = LETTERS.find(([re]) => re.test(w));
    if (!rule) break;
    const m = w.match(rule[0]) as RegExpMatchArray;
    out.push(rule[1]);
    w = w.slice(m[0].length);
  }
  // Collapse doubled letters ("anna" is not "AE N N AH").
  return out.filter((p, i) => p !== out[i - 1]).join(' ');
}

export type Pronouncer = (word: string) => string;

/** eSpeak NG when installed (checked once), else letter rules. */
export function defaultPronouncer(voice = 'en-us'): Pronouncer {
  let espeak: boolean | undefined;
  return (word) => {
    if (espeak !== false) {
      try {
        const ipa = execFileSync('espeak-ng', ['-q', '--ipa', '-v', voice, word], { encoding: 'utf8', timeout: 5000 });
        espeak = true;
        const phones = ipaToArpabet(ipa);
        if (phones) return phones;
      } catch {
        espeak = false;
      }
    }
    return letterRules(word);
  };
}
