import type { Config } from '../../config/schema.js';
import type { Camera } from '../../hardware/camera/index.js';
import type { Memory } from '../../memory/types.js';
import type { FaceAnalyzer } from '../../models/faces/types.js';
import type { EventBus } from '../bus.js';
import type { Clock } from '../contracts.js';
import { FacesStage } from './faces-stage.js';
import { MemoryIdentity } from './identity.js';
import type { IdentityMatcher } from './track-evidence.js';
import type { TrackerOptions } from './tracker.js';

export { ENROLL_MESSAGES } from './enroll-in-view.js';
export { FacesStage } from './faces-stage.js';

export interface FacesStageOptions {
  config: Config;
  bus: EventBus;
  memory: Memory;
  analyzer: FaceAnalyzer;
  clock: Clock;
  camera: Camera;
  /** Default: MemoryIdentity on `memory` with config.faces threshold and margin. */
  matcher?: IdentityMatcher;
  tracker?: TrackerOptions;
}

/** The faces stage Part; it is also the runtime's `FacesInView` (enrollFaceInView, personInView). */
export function createFacesStage(opts: FacesStageOptions): FacesStage {
  const { faces } = opts.config;
  const matcher =
    opts.matcher ?? new MemoryIdentity(opts.memory, opts.analyzer.modelId, { threshold: faces.threshold, margin: faces.margin });
  return new FacesStage({ ...opts, matcher });
}
