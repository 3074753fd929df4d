import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import { fixedAgreement, lcs, spliceText } from './align.js';
import { COMMON_WORDS } from './common-words.js';
import { DECOY_NAMES } from './decoy-names.js';
import { type BuiltGrammar, buildJsgf, normaliseWord, textPositions } from './jsgf.js';
import { type DecoderFiles, DICTATION, type Hypothesis, PocketSphinxDecoder } from './pocketsphinx-native.js';
import { defaultPronouncer, type Pronouncer } from './pronounce.js';
import type { CommandGrammar, SpeechToText, Transcript } from './types.js';

const log = logger('mnemo:stt');
/** Words ps_add_word may add before the decoder is reopened on a merged dictionary instead. */
const LIVE_ADDITIONS = 100;

export interface PocketSphinxOptions {
  files: DecoderFiles;
  /** Below this agreement with dictation a grammar match is dropped for dictation; 0 trusts the grammar alone. */
  grammarConfidence: number;
  /** Words of free-text slots; default the 1000 commonest words of the LM. */
  vocabulary?: string[];
  pronounce?: Pronouncer;
  reason?: string;
  /** Add DECOY_NAMES to every grammar's names (default true): unknown names must not become known ones. */
  decoys?: boolean;
}

/**
 * PocketSphinx with a command grammar first and free dictation for the rest.
 * With a grammar, each utterance is decoded twice on one loaded decoder: the
 * JSGF search (names and phrases the wearer actually uses) and the language
 * model. The grammar answer wins when it agrees with dictation phone by phone at
 * least `grammarConfidence` (the grammar alone matches anything to its nearest
 * phrase, so a question outside it must not become a command); free-text slots
 * ("remember that <text>") take dictation's words for that stretch.
 */
export class PocketSphinxStt implements SpeechToText {
  readonly engine = 'pocketsphinx';
  readonly reason?: string;
  private decoder: PocketSphinxDecoder | undefined;
  private dict = new Map<string, string>();
  private readonly grammars = new Map<string, { search: string; built: BuiltGrammar }>();
  /** Words given pronunciations at run time (names missing from CMUdict). */
  private readonly added = new Map<string, string>();
  private mergedDir: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pronounce: Pronouncer;

  constructor(private readonly opts: PocketSphinxOptions) {
    this.reason = opts.reason;
    this.pronounce = opts.pronounce ?? defaultPronouncer();
  }

  async load(): Promise<void> {
    if (this.decoder) return;
    const t0 = performance.now();
    let text: string;
    try {
      text = readFileSync(this.opts.files.dict, 'utf8');
    } catch (cause) {
      throw new MnemoError('stt-model-missing', `PocketSphinx dictionary ${this.opts.files.dict} is missing`, {
        cause,
        fix: 'apt-get install pocketsphinx-en-us',
      });
    }
    for (const line of text.split('\n')) {
      const sp = line.indexOf(' ');
      // Alternates ("word(2)") only add pronunciations of a word already known.
      if (sp > 0 && !line.includes('(')) this.dict.set(line.slice(0, sp), line.slice(sp + 1).trim());
    }
    this.decoder = PocketSphinxDecoder.open(this.opts.files);
    log.debug({ ms: Math.round(performance.now() - t0), words: this.dict.size }, 'pocketsphinx loaded');
  }

  /** The ARPAbet phones of a word (dictionary, else the pronouncer). */
  phones(word: string): string {
    return this.dict.get(word) ?? this.pronounce(word);
  }

  transcribe(pcm: Int16Array, opts: { grammar?: CommandGrammar; signal?: AbortSignal } = {}): Promise<Transcript> {
    // One decoder, one utterance at a time.
    const run = this.queue.then(() => this.transcribeNow(pcm, opts));
    this.queue = run.catch(() => {});
    return run;
  }

  private async transcribeNow(pcm: Int16Array, opts: { grammar?: CommandGrammar; signal?: AbortSignal }): Promise<Transcript> {
    this.decoderNow();
    const t0 = performance.now();
    const checkAbort = () => {
      if (opts.signal?.aborted) throw new MnemoError('aborted', 'speech to text was cancelled');
    };
    checkAbort();
    let grammarHyp: Hypothesis | undefined;
    let textAt = new Set<number>();
    if (opts.grammar?.phrases.length) {
      const g = this.searchFor(opts.grammar);
      grammarHyp = await this.decoderNow().decode(pcm, g.search);
      checkAbort();
      textAt = grammarHyp.text ? textPositions(grammarHyp.text.split(/\s+/), g.built) : new Set();
      if (grammarHyp.text && this.opts.grammarConfidence <= 0 && textAt.size === 0) {
        return this.result(grammarHyp.text, 1, 'grammar', t0);
      }
    }
    const dictation = await this.decoderNow().decode(pcm, DICTATION);
    checkAbort();
    const dictWords = words(dictation.text);
    if (grammarHyp?.text) {
      const gWords = grammarHyp.text.split(/\s+/);
      const agreement = fixedAgreement(gWords, dictWords, textAt, (ws) => this.phoneSeq(ws));
      log.debug({ agreement: round(agreement), grammar: grammarHyp.text, dictation: dictation.text }, 'grammar vs dictation');
      if (agreement >= this.opts.grammarConfidence) {
        const text = spliceText(gWords, dictWords, textAt).join(' ');
        return this.result(text, agreement, 'grammar', t0);
      }
    }
    return this.result(dictWords.join(' '), dictWords.length ? dictation.posterior : 0, 'dictation', t0);
  }

  private result(text: string, confidence: number, mode: 'grammar' | 'dictation', t0: number): Transcript {
    return { text, confidence: round(confidence), engine: this.engine, mode, elapsedMs: Math.round(performance.now() - t0) };
  }

  private phoneSeq(ws: string[]): string[] {
    return ws.flatMap((w) => (this.dict.get(w) ?? '').split(' ').filter(Boolean));
  }

  private decoderNow(): PocketSphinxDecoder {
    if (!this.decoder) throw new MnemoError('stt-failed', 'PocketSphinx used before load()');
    return this.decoder;
  }

  /** The search of a grammar, built (with pronunciations for unknown names) the first time it is seen. */
  private searchFor(grammar: CommandGrammar): { search: string; built: BuiltGrammar } {
    const key = JSON.stringify([grammar.phrases, [...grammar.names].sort(), grammar.vocabulary ?? []]);
    const known = this.grammars.get(key);
    if (known) return known;
    const names = this.opts.decoys === false ? grammar.names : [...grammar.names, ...this.decoysFor(grammar.names)];
    const built = buildJsgf({ ...grammar, names }, [...(this.opts.vocabulary ?? COMMON_WORDS), ...(grammar.vocabulary ?? [])], (w) =>
      this.dict.has(w),
    );
    const additions: Array<[string, string]> = [];
    for (const w of built.words) {
      if (this.dict.has(w)) continue;
      const phones = this.pronounce(w);
      if (!phones) continue;
      this.dict.set(w, phones);
      this.added.set(w, phones);
      additions.push([w, phones]);
    }
    if (additions.length) this.addWords(additions);
    const name = `g${this.grammars.size}`;
    this.decoderNow().setGrammar(name, built.jsgf);
    const entry = { search: name, built };
    this.grammars.set(key, entry);
    log.debug({ phrases: grammar.phrases.length, names: grammar.names.length, added: additions.length }, 'command grammar built');
    return entry;
  }

  /** Decoys in the dictionary that do not sound like any part of a name in the grammar. */
  private decoysFor(names: string[]): string[] {
    const parts = names.flatMap((n) => n.toLowerCase().split(/\s+/).map(normaliseWord)).filter(Boolean);
    const phones = parts.map((p) => this.phones(p).split(' '));
    return DECOY_NAMES.filter((d) => {
      const dp = this.dict.get(d);
      if (!dp || parts.includes(d)) return false;
      // Left out when most of the shorter one's phones appear, in order, in the other
      // ("maya" inside "xiaoming", "nadia" against "ana"): it could win that name's slot.
      const d2 = dp.split(' ');
      return phones.every((p) => lcs(p, d2) / Math.min(p.length, d2.length) < 0.6);
    });
  }

  /**
   * 5prealpha's ps_add_word also adds each word to the trie language model, which
   * corrupts it after a few hundred additions (a crash on the next dictation). So
   * a few words go in live; past that the decoder is reopened once on a merged
   * dictionary file holding every added word, and the grammars are rebuilt.
   */
  private addWords(additions: Array<[string, string]>): void {
    if (this.added.size <= LIVE_ADDITIONS) {
      this.decoderNow().addWords(additions);
      return;
    }
    this.mergedDir ??= mkdtempSync(join(tmpdir(), 'mnemo-ps-'));
    const merged = join(this.mergedDir, 'dict');
    const extra = [...this.added].map(([w, p]) => `${w} ${p}`).join('\n');
    writeFileSync(merged, `${readFileSync(this.opts.files.dict, 'utf8').trimEnd()}\n${extra}\n`);
    this.decoder?.free();
    this.decoder = PocketSphinxDecoder.open({ ...this.opts.files, dict: merged });
    const rebuilt = [...this.grammars.values()];
    for (const g of rebuilt) this.decoder.setGrammar(g.search, g.built.jsgf);
    log.debug({ words: this.added.size }, 'pocketsphinx reopened on a merged dictionary');
  }

  async dispose(): Promise<void> {
    await this.queue;
    this.decoder?.free();
    this.decoder = undefined;
    this.grammars.clear();
    if (this.mergedDir) rmSync(this.mergedDir, { recursive: true, force: true });
    this.mergedDir = undefined;
  }
}

function words(text: string): string[] {
  // Dictation marks fillers and alternates ("<sil>", "word(2)"): keep the words only.
  return text
    .split(/\s+/)
    .map((w) => w.replace(/\(\d+\)$/, ''))
    .filter((w) => w && !w.startsWith('<') && !w.startsWith('['))
    .map(normaliseWord)
    .filter(Boolean);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
