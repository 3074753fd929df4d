import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import onnxProto from 'onnx-proto';
import { byteLevelTokenizer } from './byte-level-tokenizer.js';

/*
 * Builds, in a folder, a random-weight decoder-only model with exactly the interface
 * of SmolLM2-135M-Instruct's ONNX export (`input_ids`, `attention_mask`,
 * `position_ids`, `past_key_values.N.key/value` -> `logits`, `present.N.key/value`),
 * its configs, its chat template and a byte-level BPE tokenizer.json, so the real
 * loading and generation code runs on it. The blocks are real (RMSNorm, grouped-query
 * attention over the KV cache, SwiGLU MLP, tied LM head); the weights are noise and
 * positions are a learned table rather than RoPE, so the text is gibberish, but the
 * compute per token has the real shape. TEST FIXTURE ONLY.
 */

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;

export interface DecoderShape {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  vocab: number;
  maxPositions: number;
}

/** SmolLM2-135M-Instruct's config.json numbers. */
export const SMOLLM2_135M: DecoderShape = {
  layers: 30,
  hidden: 576,
  heads: 9,
  kvHeads: 3,
  intermediate: 1536,
  vocab: 49152,
  maxPositions: 8192,
};

/** Small enough to build and load in a second on CI. */
export const TINY: DecoderShape = { layers: 2, hidden: 64, heads: 4, kvHeads: 2, intermediate: 128, vocab: 512, maxPositions: 1024 };

/** SmolLM2's chat template, as in its tokenizer_config.json. */
export const SMOLLM2_CHAT_TEMPLATE =
  "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296 - 0.5;
  };
}

class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private n = 0;
  constructor(
    private readonly rand: () => number,
    private readonly quant: Quant,
  ) {}

  /**
   * x . W for W [K, N]: a plain MatMul over fp32 weights, or (q4) onnxruntime's
   * MatMulNBits over 4-bit blocks of 32 with fp32 scales, the operator the hub's
   * model_q4.onnx exports use for every linear layer.
   */
  linear(x: string, name: string, K: number, N: number, scale: number): string {
    if (this.quant === 'fp32') return this.op('MatMul', [x, this.weight(name, [K, N], scale)]);
    const block = 32;
    const blocks = K / block;
    const packed = new Uint8Array(N * blocks * (block / 2));
    for (let i = 0; i < packed.length; i++) packed[i] = Math.floor((this.rand() + 0.5) * 256) & 0xff;
    this.inits.push({ name: `${name}.q4`, dims: [N, blocks, block / 2], dataType: T.UINT8, rawData: packed });
    // Uniform 4-bit codes around the default zero point 8 span +-8 steps: scale/8 per step.
    const scales = this.weight(`${name}.scales`, [N * blocks], 0, (scale * 2) / 8);
    return this.op('MatMulNBits', [x, `${name}.q4`, scales], { K, N, bits: 4, block_size: block }, undefined, 'com.microsoft');
  }

  weight(name: string, dims: number[], scale: number, fill?: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = fill ?? this.rand() * 2 * scale;
    this.inits.push({ name, dims, dataType: T.FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  ints(name: string, values: number[]): string {
    this.inits.push({
      name,
      dims: [values.length],
      dataType: T.INT64,
      rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
    });
    return name;
  }

  scalar(name: string, v: number): string {
    this.inits.push({ name, dims: [], dataType: T.FLOAT, rawData: new Uint8Array(new Float32Array([v]).buffer) });
    return name;
  }

  op(opType: string, inputs: string[], attrs: Record<string, number | number[]> = {}, output?: string, domain = ''): string {
    const out = output ?? `t${this.n++}`;
    const attribute = Object.entries(attrs).map(([name, v]) =>
      Array.isArray(v)
        ? { name, ints: v, type: onnx.AttributeProto.AttributeType.INTS }
        : Number.isInteger(v)
          ? { name, i: v, type: onnx.AttributeProto.AttributeType.INT }
          : { name, f: v, type: onnx.AttributeProto.AttributeType.FLOAT },
    );
    this.nodes.push({ opType, domain, input: inputs, output: [out], name: `${opType}_${this.n++}`, attribute });
    return out;
  }

  rmsNorm(x: string, w: string, eps: string): string {
    const ms = this.op('ReduceMean', [this.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    return this.op('Mul', [this.op('Div', [x, this.op('Sqrt', [this.op('Add', [ms, eps])])]), w]);
  }
}

function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } },
    },
  };
}

export type Quant = 'fp32' | 'q4';

function buildOnnx(shape: DecoderShape, seed: number, quant: Quant): Uint8Array {
  const g = new GraphBuilder(rng(seed), quant);
  const { layers, hidden: H, heads, kvHeads: KV, intermediate: I, vocab: V } = shape;
  const hd = H / heads;
  const eps = g.scalar('eps', 1e-5);
  const embed = g.weight('embed_tokens', [V, H], 0.05);
  const posTable = g.weight('positions', [shape.maxPositions, H], 0.05);
  let h = g.op('Add', [g.op('Gather', [embed, 'input_ids']), g.op('Gather', [posTable, 'position_ids'])]);
  // Padding positions get a large negative bias before the softmax.
  const maskF = g.op('Cast', ['attention_mask'], { to: T.FLOAT });
  const bias = g.op('Mul', [g.op('Sub', [g.scalar('one', 1), maskF]), g.scalar('neg', -1e4)]);
  const bias4 = g.op('Unsqueeze', [bias, g.ints('axes12', [1, 2])]);
  const qShape = g.ints('q_shape', [0, 0, heads, hd]);
  const kvShape = g.ints('kv_shape', [0, 0, KV, hd]);
  const groupShape = g.ints('group_shape', [0, KV, -1, hd]);
  const headShape = g.ints('head_shape', [0, heads, -1, hd]);
  const hiddenShape = g.ints('hidden_shape', [0, 0, H]);
  const scale = g.scalar('scale', 1 / Math.sqrt(hd));
  const s = 1 / Math.sqrt(H);
  for (let i = 0; i < layers; i++) {
    const n = g.rmsNorm(h, g.weight(`l${i}.in_norm`, [H], 0, 1), eps);
    const heads4 = (name: string, N: number, r: string) =>
      g.op('Transpose', [g.op('Reshape', [g.linear(n, name, H, N, s), r])], { perm: [0, 2, 1, 3] });
    const q = g.op('Reshape', [heads4(`l${i}.q`, H, qShape), groupShape]);
    const k = g.op('Concat', [`past_key_values.${i}.key`, heads4(`l${i}.k`, KV * hd, kvShape)], { axis: 2 }, `present.${i}.key`);
    const v = g.op('Concat', [`past_key_values.${i}.value`, heads4(`l${i}.v`, KV * hd, kvShape)], { axis: 2 }, `present.${i}.value`);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]), scale]), bias4]);
    const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [ctx, headShape])], { perm: [0, 2, 1, 3] }), hiddenShape]);
    h = g.op('Add', [h, g.linear(merged, `l${i}.o`, H, H, s)]);
    const n2 = g.rmsNorm(h, g.weight(`l${i}.post_norm`, [H], 0, 1), eps);
    const gate = g.linear(n2, `l${i}.gate`, H, I, s);
    const up = g.linear(n2, `l${i}.up`, H, I, s);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    h = g.op('Add', [h, g.linear(act, `l${i}.down`, I, H, 1 / Math.sqrt(I))]);
  }
  const final = g.rmsNorm(h, g.weight('final_norm', [H], 0, 1), eps);
  // Tied LM head, as SmolLM2: logits = h . embed^T, then back to [batch, seq, vocab].
  const flat = g.op('Reshape', [final, g.ints('flat_shape', [-1, H])]);
  const logits2 = g.op('Gemm', [flat, embed], { transB: 1 });
  const outShape = g.op('Concat', [g.op('Shape', ['input_ids']), g.ints('vocab_dim', [V])], { axis: 0 });
  g.op('Reshape', [logits2, outShape], {}, 'logits');

  const kvDims = ['batch_size', KV, 'past_sequence_length', hd];
  const presentDims = ['batch_size', KV, 'total_sequence_length', hd];
  const inputs = [
    valueInfo('input_ids', T.INT64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', T.INT64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', T.INT64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [valueInfo('logits', T.FLOAT, ['batch_size', 'sequence_length', V])];
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value']) {
      inputs.push(valueInfo(`past_key_values.${i}.${kv}`, T.FLOAT, kvDims));
      outputs.push(valueInfo(`present.${i}.${kv}`, T.FLOAT, presentDims));
    }
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mnemo-test-random-decoder',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: { name: 'random_decoder', node: g.nodes, initializer: g.inits, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Writes `<dir>/{config.json, generation_config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx | onnx/model_q4.onnx}`: the layout `models/llm` loads.
 * Returns the files written (relative paths).
 */
export function writeRandomDecoder(dir: string, shape: DecoderShape = TINY, opts: { seed?: number; quant?: Quant } = {}): string[] {
  const quant = opts.quant ?? 'fp32';
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: shape.hidden,
    intermediate_size: shape.intermediate,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    num_hidden_layers: shape.layers,
    head_dim: shape.hidden / shape.heads,
    vocab_size: shape.vocab,
    max_position_embeddings: shape.maxPositions,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 2,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
  };
  const files: Record<string, string | Uint8Array> = {
    'config.json': JSON.stringify(config, null, 2),
    'generation_config.json': JSON.stringify({ bos_token_id: 1, eos_token_id: 2, pad_token_id: 2 }),
    'tokenizer.json': JSON.stringify(byteLevelTokenizer(shape.vocab)),
    'tokenizer_config.json': JSON.stringify({
      add_prefix_space: false,
      bos_token: '<|im_start|>',
      eos_token: '<|im_end|>',
      pad_token: '<|im_end|>',
      unk_token: '<|endoftext|>',
      chat_template: SMOLLM2_CHAT_TEMPLATE,
      clean_up_tokenization_spaces: false,
      model_max_length: shape.maxPositions,
      tokenizer_class: 'GPT2Tokenizer',
    }),
    // The file name tells the loader the dtype, as on the hub.
    [quant === 'q4' ? 'onnx/model_q4.onnx' : 'onnx/model.onnx']: buildOnnx(shape, opts.seed ?? 7, quant),
  };
  for (const [path, data] of Object.entries(files)) writeFileSync(join(dir, path), data);
  return Object.keys(files);
}

// `tsx test/llm/random-decoder.ts DIR [tiny|135m] [fp32|q4]`: build one in its own
// process (the benchmark does, so building leaves no garbage in its RSS figures).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, shape = 'tiny', quant = 'fp32'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: random-decoder.ts DIR [tiny|135m] [fp32|q4]');
  writeRandomDecoder(dir, shape === '135m' ? SMOLLM2_135M : TINY, { quant: quant as Quant });
}
