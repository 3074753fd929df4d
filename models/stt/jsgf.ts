import type { CommandGrammar } from './types.js';

/*
 * CommandGrammar -> JSGF for PocketSphinx, and the way back: which words of a
 * grammar hypothesis were free text. Phrases are lowercase words with `<name>`
 * (one of the names, full or first name alone), `<text>` (free words: a loop
 * over a vocabulary) and JSGF's own `[optional]`, `(a | b)`. The loop's words are
 * a poor guess on their own; the engine replaces them with dictation of the same
 * stretch (see align.spliceText), so the grammar gives the command and the names
 * and dictation the fact.
 */

const TOKEN = /<name>|<text>|[[\]()|]|[^\s[\]()|<>]+/g;
const OP = /^[[\]()|]$/;

export function normaliseWord(w: string): string {
  return w
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^a-z']/g, '')
    .replace(/^'+|'+$/g, '');
}

export interface BuiltGrammar {
  jsgf: string;
  /** Every plain word the grammar uses (phrase words, name parts, text vocabulary), for dictionary checks. */
  words: string[];
  /** The phrases as token lists (words, '<name>', '<text>', operators). */
  phrases: string[][];
  /** Name alternatives as they appear in the grammar. */
  names: string[];
}

function tokens(phrase: string): string[] {
  const out: string[] = [];
  for (const tok of phrase.toLowerCase().match(TOKEN) ?? []) {
    if (tok === '<name>' || tok === '<text>' || OP.test(tok)) out.push(tok);
    else {
      const w = normaliseWord(tok);
      if (w) out.push(w);
    }
  }
  return out;
}

export function buildJsgf(grammar: CommandGrammar, vocabulary: string[], known: (w: string) => boolean = () => true): BuiltGrammar {
  const words = new Set<string>();
  const phrases = grammar.phrases.map(tokens).filter((t) => t.some((x) => !OP.test(x)));
  if (!phrases.length) throw new Error('a command grammar needs at least one phrase');
  for (const p of phrases) for (const t of p) if (!OP.test(t) && !t.startsWith('<')) words.add(t);
  const names = new Set<string>();
  for (const n of grammar.names) {
    const parts = n.split(/\s+/).map(normaliseWord).filter(Boolean);
    if (!parts.length) continue;
    names.add(parts.join(' '));
    names.add(parts[0] as string); // "where did I meet Ana" for Ana Lima
    for (const p of parts) words.add(p);
  }
  const usesName = phrases.some((p) => p.includes('<name>'));
  const usesText = phrases.some((p) => p.includes('<text>'));
  const textWords = usesText ? [...new Set(vocabulary.map(normaliseWord))].filter((w) => w && known(w)) : [];
  const lines = [
    '#JSGF V1.0;',
    'grammar mnemo;',
    `public <command> = ${phrases.map((_, i) => `<c${i}>`).join(' | ')};`,
    ...phrases.map((p, i) => `<c${i}> = ${p.join(' ')};`),
  ];
  if (usesName) lines.push(`<name> = ${names.size ? [...names].join(' | ') : '<VOID>'};`);
  if (usesText) lines.push(`<text> = ( ${textWords.length ? textWords.join(' | ') : '<VOID>'} )+;`);
  return { jsgf: `${lines.join('\n')}\n`, words: [...words, ...textWords], phrases, names: [...names] };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The indexes of the words of a grammar hypothesis that filled `<text>` slots,
 * found by matching it against the phrases (the decoder reports words, not rules).
 */
export function textPositions(hypothesis: string[], built: BuiltGrammar): Set<number> {
  const hyp = `${hypothesis.join(' ')} `;
  const name = `(?:${
    [...built.names]
      .sort((a, b) => b.length - a.length)
      .map((n) => `${escapeRe(n)} `)
      .join('|') || '(?!)'
  })`;
  for (const phrase of built.phrases) {
    if (!phrase.includes('<text>')) continue;
    let n = 0;
    const source = phrase
      .map((t) => {
        if (t === '<name>') return name;
        if (t === '<text>') return `(?<t${n++}>(?:\\S+ )+?)`;
        if (t === '[' || t === '(') return '(?:';
        if (t === ']') return ')?';
        if (t === ')') return ')';
        if (t === '|') return '|';
        return `${escapeRe(t)} `;
      })
      .join('');
    const m = new RegExp(`^(?:${source})$`, 'd').exec(hyp);
    if (!m?.indices?.groups) continue;
    const out = new Set<number>();
    for (const span of Object.values(m.indices.groups)) {
      if (!span) continue;
      const first = hyp.slice(0, span[0]).split(' ').length - 1;
      const count = hyp.slice(span[0], span[1]).trim().split(' ').length;
      for (let i = 0; i < count; i++) out.add(first + i);
    }
    return out;
  }
  return new Set();
}
