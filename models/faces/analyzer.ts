import type { Config } from '../../config/schema.js';
import { cropJpeg } from '../image.js';
import type { ModelStore } from '../store.js';
import { type Detection, UltraFaceDetector } from './detector.js';
import type { EmbedderId, FaceEmbedder } from './embedder.js';
import { FrFeatureEmbedder } from './fr-feature.js';
import { estimateYaw, LandmarkModel, type LandmarkResult } from './landmarks.js';
import type { AnalyzedFace, AnalyzeOptions, FaceAnalysis, FaceAnalyzer, FaceQuality, RgbImage } from './types.js';

/*
 * Detect -> landmarks -> quality gate -> embed, for every face of one image.
 * A face that fails the gate (too small, blurred, turned away) gets no
 * embedding at all: it could not be named reliably, and a vector that is never
 * made cannot leak.
 */

export type FacesConfig = Config['faces'];

/** The contract's FaceAnalyzer (types.ts); the alias keeps older imports working. */
export type MnemoFaceAnalyzer = FaceAnalyzer;
export type { AnalyzeOptions };

/** The analyzer `config.faces` describes, its model files verified by the store. Call `load()` before use. */
export function createFaceAnalyzer(faces: FacesConfig, store: ModelStore, opts: { embedder?: EmbedderId } = {}): MnemoFaceAnalyzer {
  return new OnnxFaceAnalyzer(faces, store, opts.embedder ?? faces.embedder);
}

class OnnxFaceAnalyzer implements MnemoFaceAnalyzer {
  private detector: UltraFaceDetector | null = null;
  private landmarks: LandmarkModel | null = null;
  private embedder: FaceEmbedder | null = null;

  constructor(
    private readonly cfg: FacesConfig,
    private readonly store: ModelStore,
    readonly modelId: EmbedderId,
  ) {}

  async load(): Promise<void> {
    if (this.embedder) return;
    const [det] = await this.store.require('ultraface-rfb-320');
    const [lmk] = await this.store.require('fr-landmark-68');
    const emb = await this.store.require(this.modelId);
    const detector = new UltraFaceDetector(det as string);
    const landmarks = new LandmarkModel(lmk as string);
    // tfjs (and its wasm backend) load only when the dlib net is chosen: the sentence encoder
    // bundles its own tfjs, and two copies registering kernels flood stderr with warnings.
    const embedder =
      this.modelId === 'fr-feature-512'
        ? new FrFeatureEmbedder(emb[0] as string)
        : new (await import('./dlib-resnet.js')).DlibResNetEmbedder(emb);
    await Promise.all([detector.load(), landmarks.load(), embedder.load()]);
    this.detector = detector;
    this.landmarks = landmarks;
    this.embedder = embedder;
  }

  async analyze(image: RgbImage, opts: AnalyzeOptions = {}): Promise<FaceAnalysis> {
    const { detector, landmarks, embedder } = this;
    if (!detector || !landmarks || !embedder) throw new Error('face analyzer not loaded: call load() first');
    const steps = { detect: 0, landmarks: 0, embed: 0 };
    let t = performance.now();
    let dets = await detector.detect(image, { minScore: this.cfg.detectScore });
    if (dets.length === 0 && opts.still) dets = await detector.detect(image, { minScore: this.cfg.detectScore, pad: 0.4 });
    steps.detect = performance.now() - t;
    // onnxruntime-node runs a session synchronously on the JS thread (backend.js wraps it in
    // setImmediate), so faces go one after another: every face's landmarks, then the gate, then
    // embeddings only for the faces that passed and that the caller still wants.
    t = performance.now();
    const marks: LandmarkResult[] = [];
    for (const det of dets) marks.push(await landmarks.run(image, det.box));
    steps.landmarks = performance.now() - t;
    t = performance.now();
    const faces: AnalyzedFace[] = [];
    for (const [i, det] of dets.entries()) {
      const lm = marks[i] as LandmarkResult;
      const quality = this.gate(det, lm.blur, estimateYaw(lm.points));
      const want = quality.ok && (opts.shouldEmbed?.(det.box, quality) ?? true);
      const embedding = want ? await embedder.embed(image, lm.points) : null;
      const box = det.box;
      faces.push({ box, score: det.score, landmarks: lm.points, quality, embedding, thumbnail: () => cropJpeg(image, box) });
    }
    steps.embed = performance.now() - t;
    return { faces, steps };
  }

  private gate(det: Detection, blur: number, yaw: number): FaceQuality {
    const size = det.box.width;
    const reasons: string[] = [];
    if (size < this.cfg.minFaceSize) reasons.push('too-small');
    if (blur < this.cfg.minBlurVariance) reasons.push('blurred');
    if (Math.abs(yaw) > this.cfg.maxYawDegrees) reasons.push('turned-away');
    const score =
      Math.min(1, size / (2 * this.cfg.minFaceSize)) *
      Math.min(1, blur / (4 * Math.max(1, this.cfg.minBlurVariance))) *
      Math.max(0, 1 - Math.abs(yaw) / 90) *
      det.score;
    return { size, blur, yaw, score, ok: reasons.length === 0, reasons };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.detector?.dispose(), this.landmarks?.dispose(), this.embedder?.dispose()]);
    this.detector = null;
    this.landmarks = null;
    this.embedder = null;
  }
}
