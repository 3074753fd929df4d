/*
 * The camera as the faces stage sees it: a source of decoded frames that never
 * queues. A live camera keeps producing while the pipeline is busy; only the newest
 * frame is kept, and every frame overwritten before it was taken counts as dropped.
 */

/** One decoded frame: interleaved 8-bit RGB. */
export interface Frame {
  data: Buffer;
  width: number;
  height: number;
  /** Monotonic milliseconds (performance.now() unless a clock was injected) when the frame was captured. */
  at: number;
  /** Increasing number of the captured frame (gaps are dropped or corrupt frames). */
  seq: number;
  /** Milliseconds spent decoding this frame. */
  decodeMs: number;
}

export interface CameraStats {
  /** Frames the source produced. */
  captured: number;
  /** Frames handed to the pipeline. */
  delivered: number;
  /** Frames overwritten by a newer one while the pipeline was busy. */
  dropped: number;
  /** Frames that could not be decoded (skipped). */
  corrupt: number;
  /** Times the source was restarted after dying. */
  restarts: number;
}

/** Reported when the camera dies or stalls; it is restarted after `retryInMs` (null: not restarted). */
export interface CameraUnavailable {
  code: 'camera-unavailable';
  source: string;
  reason: string;
  attempt: number;
  retryInMs: number | null;
}

export interface Camera {
  readonly source: string;
  /** Starts capturing. Rejects with `camera-unavailable` when the source cannot be started at all. */
  start(signal?: AbortSignal): Promise<void>;
  /** The newest frame not yet taken; waits for one. Null once the camera has ended (replay without loop) or stopped. */
  next(signal?: AbortSignal): Promise<Frame | null>;
  stats(): CameraStats;
  onUnavailable(listener: (event: CameraUnavailable) => void): void;
  stop(): Promise<void>;
}

/** Options every adapter shares. */
export interface CameraCommon {
  /** Frames larger than this are downscaled to fit (aspect kept); smaller ones are kept as they are. */
  maxWidth: number;
  maxHeight: number;
  /** Monotonic time source (injectable for tests). */
  now?: () => number;
}
