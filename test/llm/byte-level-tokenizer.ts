/*
 * A byte-level BPE tokenizer.json in the Hugging Face tokenizers format (as GPT-2,
 * SmolLM2 and Qwen2.5 use): every byte is a token, common words have merges, and
 * filler tokens pad the vocabulary to the model's size. TEST FIXTURE ONLY.
 */

/** GPT-2's byte-to-unicode table: every byte becomes one printable character. */
function byteChars(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep.includes(b) ? b : 256 + extra++);
  return out;
}

const SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const WORDS =
  'the and you that was for are with his they this have from one had word but not what all were when your can said there use each which she how their will other about out many then them these some her would make like him into time has look two more write see number way could people than first water been call who oil its now find long down day did get come made may part robots drones meetup bakery daughter works met where know'.split(
    ' ',
  );

/** A byte-level BPE tokenizer.json (bytes, merges for common words, filler up to `vocab`). */
export function byteLevelTokenizer(vocabSize: number): object {
  const chars = byteChars();
  const vocab: Record<string, number> = {};
  let size = 0;
  const add = (t: string) => {
    if (!(t in vocab)) vocab[t] = size++;
  };
  for (const t of SPECIAL) add(t);
  for (const c of chars) add(c);
  const merges: string[][] = [];
  const space = chars[32] as string;
  for (const w of WORDS) {
    let cur = space;
    for (const ch of w) {
      if (size >= vocabSize) break;
      const next = cur + ch;
      if (!(next in vocab)) {
        merges.push([cur, ch]);
        add(next);
      }
      cur = next;
    }
  }
  // Filler tokens only the (random) model produces; they decode to plain text.
  for (let i = 0; size < vocabSize; i++) add(`${space}w${i.toString(36)}`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}
