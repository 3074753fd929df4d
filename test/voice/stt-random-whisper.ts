import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { WHISPER_FILES } from '../../models/stt/catalog.js';

/*
 * A random-weight model with Whisper's interface, in the folder layout of the
 * hub's onnx-community/whisper-* exports (the seven files of WHISPER_FILES), so
 * the real loading and transcription code (transformers.js pipeline, feature
 * extractor, encoder, merged decoder with past key values, tokenizer decode) runs
 * here where the real weights cannot be downloaded. The graphs are minimal:
 * encoder = a projection of the log-mel frames pooled to 1500 positions; decoder =
 * token embedding + pooled encoder state -> logits, with real present/past
 * key-value plumbing. The text it produces is noise. TEST FIXTURE ONLY.
 */

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const D = 32;
const HEADS = 2;
const HD = D / HEADS;
const BASE_VOCAB = 257; // <|endoftext|> + the 256 byte characters
const SPECIAL = ['<|startoftranscript|>', '<|en|>', '<|transcribe|>', '<|translate|>', '<|notimestamps|>'];
const V = BASE_VOCAB + SPECIAL.length;
const [SOT, , , , NOTS] = SPECIAL.map((_, i) => BASE_VOCAB + i) as number[];
const EOT = 0;

class Graph {
  nodes: onnxProto.onnx.INodeProto[] = [];
  inits: onnxProto.onnx.ITensorProto[] = [];
  private n = 0;
  private s = 7;
  rand(): number {
    this.s ^= this.s << 13;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    return (this.s >>> 0) / 4294967296 - 0.5;
  }
  weight(name: string, dims: number[], scale = 0.2): string {
    const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => this.rand() * scale);
    this.inits.push({ name, dims, dataType: T.FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }
  ints(name: string, v: number[]): string {
    this.inits.push({ name, dims: [v.length], dataType: T.INT64, rawData: new Uint8Array(new BigInt64Array(v.map(BigInt)).buffer) });
    return name;
  }
  op(type: string, inputs: string[], attrs: Record<string, number | number[]> = {}, output?: string): string {
    const out = output ?? `t${this.n++}`;
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, ints: v, type: onnx.AttributeProto.AttributeType.INTS }
        : { name, i: v, type: onnx.AttributeProto.AttributeType.INT },
    );
    this.nodes.push({ opType: type, input: inputs, output: [out], name: `${type}_${this.n++}`, attribute });
    return out;
  }
  heads(x: string): string {
    return this.op('Transpose', [this.op('Reshape', [x, this.ints(`hs${this.n}`, [0, 0, HEADS, HD])])], { perm: [0, 2, 1, 3] });
  }
}

function info(name: string, type: number, dims: Array<string | number>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: type, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function encode(g: Graph, name: string, inputs: onnxProto.onnx.IValueInfoProto[], outputs: onnxProto.onnx.IValueInfoProto[]): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mnemo-test-random-whisper',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name, node: g.nodes, initializer: g.inits, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

function encoder(): Uint8Array {
  const g = new Graph();
  const frames = g.op('Transpose', ['input_features'], { perm: [0, 2, 1] }); // [b, 3000, 80]
  const proj = g.op('MatMul', [frames, g.weight('enc_w', [80, D])]);
  const pairs = g.op('Reshape', [proj, g.ints('pairs', [0, 1500, 2, D])]);
  g.op('ReduceMean', [pairs], { axes: [2], keepdims: 0 }, 'last_hidden_state');
  return encode(
    g,
    'encoder',
    [info('input_features', T.FLOAT, ['batch_size', 80, 3000])],
    [info('last_hidden_state', T.FLOAT, ['batch_size', 1500, D])],
  );
}

function decoder(): Uint8Array {
  const g = new Graph();
  const pooled = g.op('ReduceMean', ['encoder_hidden_states'], { axes: [1], keepdims: 1 });
  const h = g.op('Add', [g.op('Gather', [g.weight('embed', [V, D]), 'input_ids']), pooled]);
  g.op('MatMul', [h, g.weight('out', [D, V], 2)], {}, 'logits');
  g.op(
    'Concat',
    ['past_key_values.0.decoder.key', g.heads(g.op('MatMul', [h, g.weight('wk', [D, D])]))],
    { axis: 2 },
    'present.0.decoder.key',
  );
  g.op(
    'Concat',
    ['past_key_values.0.decoder.value', g.heads(g.op('MatMul', [h, g.weight('wv', [D, D])]))],
    { axis: 2 },
    'present.0.decoder.value',
  );
  g.op('Identity', [g.heads(g.op('MatMul', ['encoder_hidden_states', g.weight('ek', [D, D])]))], {}, 'present.0.encoder.key');
  g.op('Identity', [g.heads(g.op('MatMul', ['encoder_hidden_states', g.weight('ev', [D, D])]))], {}, 'present.0.encoder.value');
  const kv = (p: string | number) => ['batch_size', HEADS, p, HD];
  return encode(
    g,
    'decoder',
    [
      info('input_ids', T.INT64, ['batch_size', 'decoder_sequence_length']),
      info('encoder_hidden_states', T.FLOAT, ['batch_size', 1500, D]),
      info('past_key_values.0.decoder.key', T.FLOAT, kv('past_decoder_sequence_length')),
      info('past_key_values.0.decoder.value', T.FLOAT, kv('past_decoder_sequence_length')),
      info('past_key_values.0.encoder.key', T.FLOAT, kv('encoder_sequence_length_out')),
      info('past_key_values.0.encoder.value', T.FLOAT, kv('encoder_sequence_length_out')),
    ],
    [
      info('logits', T.FLOAT, ['batch_size', 'decoder_sequence_length', V]),
      info('present.0.decoder.key', T.FLOAT, kv('total')),
      info('present.0.decoder.value', T.FLOAT, kv('total')),
      info('present.0.encoder.key', T.FLOAT, kv(1500)),
      info('present.0.encoder.value', T.FLOAT, kv(1500)),
    ],
  );
}

/** GPT-2's byte-to-unicode table: every byte is one printable character. */
function byteChars(): string[] {
  const keep = new Set<number>();
  for (const [lo, hi] of [
    [33, 126],
    [161, 172],
    [174, 255],
  ] as const)
    for (let b = lo; b <= hi; b++) keep.add(b);
  let extra = 0;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(keep.has(b) ? b : 256 + extra++));
}

/** A byte-level BPE tokenizer.json without merges: <|endoftext|>, the bytes, then Whisper's special tokens. */
function tokenizer(): object {
  const specials = ['<|endoftext|>', ...SPECIAL];
  const vocab: Record<string, number> = { '<|endoftext|>': EOT };
  byteChars().forEach((c, i) => {
    vocab[c] = i + 1;
  });
  SPECIAL.forEach((t, i) => {
    vocab[t] = BASE_VOCAB + i;
  });
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [],
    },
  };
}

/** Writes the seven Whisper files into `dir`; returns their relative paths. */
export function writeRandomWhisper(dir: string): string[] {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const ids = { decoder_start_token_id: SOT, eos_token_id: EOT, pad_token_id: EOT, bos_token_id: EOT };
  const files: Record<string, string | Uint8Array> = {
    'config.json': JSON.stringify({
      architectures: ['WhisperForConditionalGeneration'],
      model_type: 'whisper',
      d_model: D,
      encoder_layers: 1,
      decoder_layers: 1,
      encoder_attention_heads: HEADS,
      decoder_attention_heads: HEADS,
      vocab_size: V,
      num_mel_bins: 80,
      max_source_positions: 1500,
      max_target_positions: 448,
      is_encoder_decoder: true,
      ...ids,
    }),
    'generation_config.json': JSON.stringify({
      ...ids,
      no_timestamps_token_id: NOTS,
      max_length: 12,
      is_multilingual: false,
      begin_suppress_tokens: [],
      suppress_tokens: [],
    }),
    'preprocessor_config.json': JSON.stringify({
      feature_extractor_type: 'WhisperFeatureExtractor',
      feature_size: 80,
      hop_length: 160,
      n_fft: 400,
      n_samples: 480000,
      nb_max_frames: 3000,
      chunk_length: 30,
      padding_side: 'right',
      padding_value: 0,
      processor_class: 'WhisperProcessor',
      return_attention_mask: false,
      sampling_rate: 16000,
    }),
    'tokenizer.json': JSON.stringify(tokenizer()),
    'tokenizer_config.json': JSON.stringify({
      tokenizer_class: 'WhisperTokenizer',
      bos_token: '<|endoftext|>',
      eos_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      model_max_length: 1024,
      clean_up_tokenization_spaces: true,
    }),
    'onnx/encoder_model_quantized.onnx': encoder(),
    'onnx/decoder_model_merged_quantized.onnx': decoder(),
  };
  for (const [path, data] of Object.entries(files)) writeFileSync(join(dir, path), data);
  const written = Object.keys(files);
  if (written.slice().sort().join() !== WHISPER_FILES.slice().sort().join())
    throw new Error('random Whisper layout drifted from WHISPER_FILES');
  return written;
}
