import type { ModelEntry, ModelFile } from '../manifest.js';

/*
 * The generative models a device can pull for the personal model. They come from the
 * Hugging Face hub (the ONNX exports transformers.js loads), which this build machine
 * cannot reach, so nobody here could hash them: every file is `sha256: null` and the
 * entries are `pinned: false`. `mnemo models pull` refuses them unless the wearer
 * passes `--trust-unpinned`, which records the hash seen on first download and
 * verifies against it from then on. Pin them here once hashed on a real device.
 * URLs use `resolve/main`: the hub's current revision (another reason they are unpinned).
 */

const HUB = 'https://huggingface.co';

/** Folder layout transformers.js loads offline: configs, tokenizer and one ONNX decoder. */
function llmFiles(onnxFile: string): ModelFile[] {
  return ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/${onnxFile}`].map((path) => ({
    path,
    sha256: null,
    bytes: null,
  }));
}

interface LlmSpec {
  id: string;
  repo: string;
  name: string;
  licence: string;
}

const SPECS: LlmSpec[] = [
  { id: 'smollm2-135m-instruct', repo: 'HuggingFaceTB/SmolLM2-135M-Instruct', name: 'SmolLM2-135M-Instruct', licence: 'Apache-2.0' },
  { id: 'smollm2-360m-instruct', repo: 'HuggingFaceTB/SmolLM2-360M-Instruct', name: 'SmolLM2-360M-Instruct', licence: 'Apache-2.0' },
  { id: 'qwen2.5-0.5b-instruct', repo: 'onnx-community/Qwen2.5-0.5B-Instruct', name: 'Qwen2.5-0.5B-Instruct', licence: 'Apache-2.0' },
];

/** q4 (MatMulNBits, the default: smallest and fastest on a Pi) and q8 (dynamic int8) of each. */
export const LLM_MODELS: ModelEntry[] = SPECS.flatMap((s) => [
  {
    id: s.id,
    task: 'text-generation' as const,
    description: `${s.name}, ONNX q4 (unpinned hub files: pull with --trust-unpinned)`,
    licence: s.licence,
    source: { kind: 'https' as const, baseUrl: `${HUB}/${s.repo}/resolve/main` },
    pinned: false as const,
    files: llmFiles('model_q4.onnx'),
  },
  {
    id: `${s.id}-q8`,
    task: 'text-generation' as const,
    description: `${s.name}, ONNX q8 (unpinned hub files: pull with --trust-unpinned)`,
    licence: s.licence,
    source: { kind: 'https' as const, baseUrl: `${HUB}/${s.repo}/resolve/main` },
    pinned: false as const,
    files: llmFiles('model_quantized.onnx'),
  },
]);

/** The transformers.js dtype of a folder, read off the decoder file it ships. */
export function dtypeOf(files: string[]): 'q4' | 'q8' | 'fp16' | 'fp32' {
  if (files.some((f) => f.endsWith('onnx/model_q4.onnx'))) return 'q4';
  if (files.some((f) => f.endsWith('onnx/model_quantized.onnx'))) return 'q8';
  if (files.some((f) => f.endsWith('onnx/model_fp16.onnx'))) return 'fp16';
  return 'fp32';
}
