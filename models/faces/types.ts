/*
 * The contract between face inference (models/faces) and the faces stage
 * (device/faces). Detecting and embedding a face is one step; deciding who it is
 * is another (device/faces/identity.ts).
 */

/** Raw interleaved RGB, 8 bits per channel. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceQuality {
  /** Face box width in pixels. */
  size: number;
  /** Laplacian variance of the face crop (higher is sharper). */
  blur: number;
  /** Estimated yaw from landmarks, degrees (0 is frontal). */
  yaw: number;
  /** 0..1 combined score used to pick the best samples. */
  score: number;
  /** Passed every gate in config `faces`. */
  ok: boolean;
  /** Why not, e.g. ['too-small', 'blurred', 'turned-away']. */
  reasons: string[];
}

export interface AnalyzedFace {
  box: Box;
  /** Detector score 0..1. */
  score: number;
  /** 68 landmarks in image pixels, when computed. */
  landmarks: Array<[number, number]> | null;
  quality: FaceQuality;
  /** Present only when the quality gate passed (no embedding is made of a face that can't be named). */
  embedding: Float32Array | null;
  /** Makes a small JPEG of the face (for enrollment thumbnails); never called for strangers. */
  thumbnail(): Promise<Buffer>;
}

export interface FaceAnalysis {
  faces: AnalyzedFace[];
  /** Milliseconds per step: decode, detect, landmarks, embed. */
  steps: Record<string, number>;
}

export interface AnalyzeOptions {
  /**
   * A still photo rather than a camera frame: when nothing is found, detect once
   * more on a padded copy (tight face crops fill the frame, which the detector
   * misses). Off for camera frames, where an empty frame is the common case.
   */
  still?: boolean;
  /**
   * Asked for each face that passed the gate: false skips its embedding (e.g. a
   * track the tracker has already named), which is most of the per-face cost.
   */
  shouldEmbed?: (box: Box, quality: FaceQuality) => boolean;
}

export interface FaceAnalyzer {
  /** The embedding model id every stored sample records (e.g. 'fr-feature-512'). */
  readonly modelId: string;
  load(): Promise<void>;
  analyze(image: RgbImage, opts?: AnalyzeOptions): Promise<FaceAnalysis>;
  dispose(): Promise<void>;
}
