import type { ModelEntry, ModelFile } from '../manifest.js';

/*
 * Speech-to-text models. Whisper comes from the Hugging Face hub (onnx-community's
 * transformers.js exports), which this build machine cannot reach, so no file
 * could be hashed: every file is `sha256: null`, the entries are `pinned: false`,
 * and `mnemo models pull whisper-tiny-en` refuses to install them unless the
 * wearer passes `--trust-unpinned` (the hash seen on that first download is then
 * recorded and verified from then on). Pin them here once hashed on a device.
 * PocketSphinx's US English model is a Debian package, hashed in place.
 */

const HUB = 'https://huggingface.co';

/** The folder transformers.js loads offline for Whisper with dtype q8 (see MODELS.md). */
export const WHISPER_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/encoder_model_quantized.onnx',
  'onnx/decoder_model_merged_quantized.onnx',
];

function unpinned(paths: string[]): ModelFile[] {
  return paths.map((path) => ({ path, sha256: null, bytes: null }));
}

const WHISPER: Array<{ id: string; repo: string; what: string }> = [
  { id: 'whisper-tiny-en', repo: 'onnx-community/whisper-tiny.en', what: 'Whisper tiny.en (English only, 39M)' },
  { id: 'whisper-tiny', repo: 'onnx-community/whisper-tiny', what: 'Whisper tiny (multilingual incl. Mandarin, 39M)' },
  { id: 'whisper-base', repo: 'onnx-community/whisper-base', what: 'Whisper base (multilingual, 74M)' },
];

export const PS_DIR = '/usr/share/pocketsphinx/model/en-us';

export const STT_MODELS: ModelEntry[] = [
  ...WHISPER.map((w) => ({
    id: w.id,
    task: 'speech-to-text' as const,
    description: `${w.what}, ONNX q8 for transformers.js (unpinned hub files: pull with --trust-unpinned)`,
    licence: 'MIT',
    source: { kind: 'https' as const, baseUrl: `${HUB}/${w.repo}/resolve/main` },
    pinned: false as const,
    files: unpinned(WHISPER_FILES),
  })),
  {
    id: 'pocketsphinx-en-us',
    task: 'speech-to-text',
    description: 'CMU PocketSphinx US English acoustic model, language model and dictionary',
    licence: 'BSD-2-Clause',
    source: { kind: 'system', debian: 'pocketsphinx-en-us', dir: PS_DIR },
    files: [
      { path: 'en-us/feat.params', sha256: '9f8058c107ebbc42abef6d39c67c6aedbcf60ac371332e550994e12a0392cb02', bytes: 230 },
      { path: 'en-us/mdef', sha256: '2360f9a86889c1cfee8bd618a0269387911e5fb2920a594f506b18b8c79683b0', bytes: 2959176 },
      { path: 'en-us/means', sha256: '832019e32cac12eb318964f96f469034acb12d0348eeddc3831831a100cb4dd4', bytes: 838732 },
      { path: 'en-us/noisedict', sha256: '7295b07df2c204c4f87c6782b6be1a3859d7006d4e3864181c955d6dab105a33', bytes: 56 },
      { path: 'en-us/sendump', sha256: '8c9564c0d5bef69ca9d9bf1014abe162f071644cf02cf1fa8a483c3dc165a7a8', bytes: 1969024 },
      { path: 'en-us/transition_matrices', sha256: 'c1f7f28ea43177be734be1f88bd7f1b9a853d0e660f8599c67c6eaeca8bb539a', bytes: 2080 },
      { path: 'en-us/variances', sha256: 'b00d696f85e96834fc10f8e5f06428d8c4db6bffdbe5845b6f69bf6efbc48fa5', bytes: 838732 },
      { path: 'en-us.lm.bin', sha256: 'db21d0642286677699e6dbc859d2e5395570222361999387ce60f6e1d01995d6', bytes: 27114385 },
      { path: 'cmudict-en-us.dict', sha256: '9de99dd2a24b63c653c1c30ab39388d05185cae36d0875f15c319b4ad6dc43af', bytes: 3272051 },
    ],
  },
];
