import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { tfjsWasm } from '../../models/faces/dlib-resnet.js';
import type { Box, RgbImage } from '../../models/faces/types.js';
import type { ModelStore } from '../../models/store.js';

/*
 * The benchmark's peer pipelines, on the same tfjs wasm backend as our dlib
 * engine: @vladmandic/human (BlazeFace + FaceRes 1024-d) and @vladmandic/face-api
 * (SSD MobileNet v1 + 68 landmarks + the dlib ResNet 128-d). Both are
 * devDependencies; their model files come from the model store like ours.
 */

export interface PeerFace {
  box: Box;
  embedding: Float32Array | null;
}

export interface Peer {
  name: string;
  analyze(image: RgbImage): Promise<PeerFace[]>;
}

const require = createRequire(import.meta.url);

/** The little of each peer's API the benchmark uses. */
interface HumanApi {
  load(): Promise<void>;
  detect(input: tf.Tensor): Promise<{ face: Array<{ box: number[]; embedding?: number[] }> }>;
}
interface FaceApiNet {
  loadFromDisk(dir: string): Promise<void>;
}
interface FaceApi {
  nets: { ssdMobilenetv1: FaceApiNet; faceLandmark68Net: FaceApiNet; faceRecognitionNet: FaceApiNet };
  SsdMobilenetv1Options: new (o: { minConfidence: number }) => unknown;
  detectAllFaces(
    input: tf.Tensor3D,
    options: unknown,
  ): { withFaceLandmarks(): { withFaceDescriptors(): Promise<Array<{ detection: { box: Box }; descriptor: Float32Array }>> } };
}

/** The packages' `exports` maps lack "./" prefixes, so their wasm builds are loaded by file path. */
function requireDist(pkg: string, file: string): unknown {
  return require(join(dirname(require.resolve(pkg)), file));
}

let routed = false;
/** tfjs without tfjs-node cannot load file:// models; this router reads them from disk. */
function fileLoader(): void {
  if (routed) return;
  routed = true;
  const router = (url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    return {
      load: async () => {
        const file = fileURLToPath(url);
        const json = JSON.parse(readFileSync(file, 'utf8'));
        const groups = json.weightsManifest as Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
        const data = Buffer.concat(groups.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(file), p)))));
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          signature: json.signature,
          userDefinedMetadata: json.userDefinedMetadata,
          weightSpecs: groups.flatMap((g) => g.weights),
          weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
        };
      },
    };
  };
  tf.io.registerLoadRouter(router as unknown as Parameters<typeof tf.io.registerLoadRouter>[0]);
}

const unit = (v: ArrayLike<number>): Float32Array => {
  const out = Float32Array.from(v);
  const n = Math.hypot(...out) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / n;
  return out;
};

function toTensor(image: RgbImage): tf.Tensor3D {
  return tf.tensor3d(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length), [image.height, image.width, 3], 'int32');
}

export async function humanPeer(store: ModelStore): Promise<Peer> {
  await tfjsWasm();
  fileLoader();
  const [blaze] = await store.require('human-blazeface-faceres');
  const { Human } = requireDist('@vladmandic/human', 'human.node-wasm.js') as { Human: new (cfg: unknown) => HumanApi };
  const off = { enabled: false };
  const human = new Human({
    backend: 'wasm',
    debug: false,
    modelBasePath: `file://${dirname(blaze as string)}/`,
    face: {
      enabled: true,
      detector: { enabled: true, modelPath: 'blazeface.json', maxDetected: 10, rotation: false },
      mesh: off,
      iris: off,
      description: { enabled: true, modelPath: 'faceres.json' },
      emotion: off,
      antispoof: off,
      liveness: off,
    },
    body: off,
    hand: off,
    object: off,
    gesture: off,
    segmentation: off,
    filter: off,
  });
  await human.load();
  return {
    name: '@vladmandic/human',
    async analyze(image) {
      const t = toTensor(image);
      try {
        const r = await human.detect(t.expandDims(0));
        return r.face.map((f) => ({
          box: { x: f.box[0] as number, y: f.box[1] as number, width: f.box[2] as number, height: f.box[3] as number },
          embedding: f.embedding?.length ? unit(f.embedding) : null,
        }));
      } finally {
        t.dispose();
      }
    },
  };
}

export async function faceApiPeer(store: ModelStore): Promise<Peer> {
  await tfjsWasm();
  const [ssd] = await store.require('faceapi-ssd-pipeline');
  const [rec] = await store.require('faceapi-recognition-128');
  const faceapi = requireDist('@vladmandic/face-api', 'face-api.node-wasm.js') as FaceApi;
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dirname(ssd as string));
  await faceapi.nets.faceLandmark68Net.loadFromDisk(dirname(ssd as string));
  await faceapi.nets.faceRecognitionNet.loadFromDisk(dirname(rec as string));
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
  return {
    name: '@vladmandic/face-api SSD',
    async analyze(image) {
      const t = toTensor(image);
      try {
        const r = await faceapi.detectAllFaces(t, options).withFaceLandmarks().withFaceDescriptors();
        return r.map((f) => ({
          box: { x: f.detection.box.x, y: f.detection.box.y, width: f.detection.box.width, height: f.detection.box.height },
          embedding: unit(f.descriptor),
        }));
      } finally {
        t.dispose();
      }
    },
  };
}
