import koffi from 'koffi';
import { errorMessage, MnemoError } from '../../config/errors.js';

/*
 * CMU PocketSphinx 0.8 (5prealpha, Debian `pocketsphinx`) through its C library,
 * loaded once with koffi. One decoder holds the acoustic model, the dictionary
 * and every search (the LM for dictation, one JSGF per command grammar), so an
 * utterance costs only its decoding, not the ~1 s model load the CLI pays per
 * file. The decoder is not thread-safe: calls are serialised by the caller, and
 * decoding runs on koffi's worker thread so the event loop keeps moving.
 */

type Ptr = unknown;

interface Lib {
  ps_args: () => Ptr;
  cmd_ln_parse_r: (inout: Ptr, defn: Ptr, argc: number, argv: string[], strict: number) => Ptr;
  ps_init: (config: Ptr) => Ptr;
  ps_free: (ps: Ptr) => number;
  ps_add_word: (ps: Ptr, word: string, phones: string, update: number) => number;
  ps_set_jsgf_string: (ps: Ptr, name: string, jsgf: string) => number;
  ps_set_search: (ps: Ptr, name: string) => number;
  ps_start_utt: (ps: Ptr) => number;
  ps_process_raw: {
    async: (ps: Ptr, data: Int16Array, n: number, noSearch: number, full: number, cb: (err: unknown, r: number) => void) => void;
  };
  ps_end_utt: (ps: Ptr) => number;
  ps_get_hyp: (ps: Ptr, score: number[]) => string | null;
  ps_get_prob: (ps: Ptr) => number;
  ps_get_n_frames: (ps: Ptr) => number;
  ps_get_logmath: (ps: Ptr) => Ptr;
  logmath_exp: (lm: Ptr, p: number) => number;
}

let lib: Lib | undefined;

function bind(): Lib {
  if (lib) return lib;
  try {
    const sb = koffi.load('libsphinxbase.so.3');
    const ps = koffi.load('libpocketsphinx.so.3');
    lib = {
      ps_args: ps.func('void* ps_args()'),
      cmd_ln_parse_r: sb.func('void* cmd_ln_parse_r(void* inout, void* defn, int argc, const char** argv, int strict)'),
      ps_init: ps.func('void* ps_init(void* config)'),
      ps_free: ps.func('int ps_free(void* ps)'),
      ps_add_word: ps.func('int ps_add_word(void* ps, const char* word, const char* phones, int update)'),
      ps_set_jsgf_string: ps.func('int ps_set_jsgf_string(void* ps, const char* name, const char* jsgf)'),
      ps_set_search: ps.func('int ps_set_search(void* ps, const char* name)'),
      ps_start_utt: ps.func('int ps_start_utt(void* ps)'),
      ps_process_raw: ps.func('int ps_process_raw(void* ps, const int16_t* data, size_t n, int no_search, int full_utt)'),
      ps_end_utt: ps.func('int ps_end_utt(void* ps)'),
      ps_get_hyp: ps.func('const char* ps_get_hyp(void* ps, _Out_ int* score)'),
      ps_get_prob: ps.func('int ps_get_prob(void* ps)'),
      ps_get_n_frames: ps.func('int ps_get_n_frames(void* ps)'),
      ps_get_logmath: ps.func('void* ps_get_logmath(void* ps)'),
      logmath_exp: sb.func('double logmath_exp(void* lmath, int p)'),
    } as unknown as Lib;
    return lib;
  } catch (cause) {
    throw new MnemoError('stt-model-missing', `the PocketSphinx library is not installed (${errorMessage(cause)})`, {
      cause,
      fix: 'apt-get install pocketsphinx pocketsphinx-en-us',
    });
  }
}

export interface DecoderFiles {
  hmm: string;
  lm: string;
  dict: string;
}

export interface Hypothesis {
  text: string;
  /** Path score (log domain, PocketSphinx's logmath base). */
  score: number;
  /** Posterior probability of the hypothesis, 0..1 (LM search only; FSG searches give 1). */
  posterior: number;
  frames: number;
}

export const DICTATION = '_default';

export class PocketSphinxDecoder {
  private constructor(
    private readonly l: Lib,
    private ps: Ptr,
  ) {}

  static open(files: DecoderFiles): PocketSphinxDecoder {
    const l = bind();
    const argv = ['-hmm', files.hmm, '-lm', files.lm, '-dict', files.dict, '-logfn', '/dev/null'];
    const config = l.cmd_ln_parse_r(null, l.ps_args(), argv.length, argv, 1);
    const ps = config ? l.ps_init(config) : null;
    if (!ps) {
      throw new MnemoError('stt-model-missing', `PocketSphinx did not load its model from ${files.hmm}`, {
        fix: 'apt-get install --reinstall pocketsphinx-en-us',
        details: { ...files },
      });
    }
    return new PocketSphinxDecoder(l, ps);
  }

  /** Adds words to the dictionary (ARPAbet phones, e.g. "AA N AH"); the last call rebuilds the searches. */
  addWords(words: Array<[string, string]>): void {
    words.forEach(([w, phones], i) => {
      if (this.l.ps_add_word(this.ps, w, phones, i === words.length - 1 ? 1 : 0) < 0) {
        throw new MnemoError('stt-failed', `PocketSphinx refused the pronunciation "${phones}" for a word`, { details: { phones } });
      }
    });
  }

  setGrammar(name: string, jsgf: string): void {
    if (this.l.ps_set_jsgf_string(this.ps, name, jsgf) < 0) {
      throw new MnemoError('stt-failed', 'PocketSphinx rejected the command grammar (JSGF)', { details: { grammar: name } });
    }
  }

  async decode(input: Int16Array, search: string): Promise<Hypothesis> {
    const l = this.l;
    const pcm = dither(input);
    if (l.ps_set_search(this.ps, search) < 0) throw new MnemoError('stt-failed', `no PocketSphinx search "${search}"`);
    if (l.ps_start_utt(this.ps) < 0) throw new MnemoError('stt-failed', 'PocketSphinx could not start an utterance');
    const rc = await new Promise<number>((resolve, reject) =>
      l.ps_process_raw.async(this.ps, pcm, pcm.length, 0, 1, (err, r) => (err ? reject(err) : resolve(r))),
    );
    l.ps_end_utt(this.ps);
    if (rc < 0) throw new MnemoError('stt-failed', 'PocketSphinx failed to decode the audio');
    const score = [0];
    const text = l.ps_get_hyp(this.ps, score) ?? '';
    const prob = search === DICTATION ? l.ps_get_prob(this.ps) : 0;
    const posterior = Math.min(1, Math.max(0, l.logmath_exp(l.ps_get_logmath(this.ps), prob)));
    return { text: text.trim(), score: score[0] as number, posterior, frames: l.ps_get_n_frames(this.ps) };
  }

  free(): void {
    if (this.ps) this.l.ps_free(this.ps);
    this.ps = null;
  }
}

/**
 * Digital silence (exact zeros, as TTS output and padded clips have) has log
 * energy -inf and wrecks PocketSphinx's features; its own `-dither` is seeded from
 * the clock. This adds the same +-1 LSB noise to every decode of the same audio.
 */
export function dither(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length);
  let x = 12345;
  for (let i = 0; i < pcm.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const v = (pcm[i] as number) + ((x >>> 16) % 3) - 1;
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
  return out;
}
