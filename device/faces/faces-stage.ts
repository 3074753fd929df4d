import { errorMessage } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { Camera, Frame } from '../../hardware/camera/index.js';
import type { Memory } from '../../memory/types.js';
import type { FaceAnalyzer } from '../../models/faces/types.js';
import type { EventBus } from '../bus.js';
import type { Clock, EnrollOutcome, FacesInView } from '../contracts.js';
import type { Part } from '../controller.js';
import { type EnrollCandidate, enrollInView } from './enroll-in-view.js';
import { type IdentityMatcher, TrackEvidence } from './track-evidence.js';
import { DEFAULT_TRACKER, IouTracker, type Track, type TrackerOptions } from './tracker.js';

const SWEEP_MS = 500;

export interface FacesStageDeps {
  config: Config;
  bus: EventBus;
  memory: Memory;
  analyzer: FaceAnalyzer;
  /** Its monotonic() must be the camera's frame clock (createCamera(config.camera, { now: clock.monotonic })). */
  clock: Clock;
  camera: Camera;
  matcher: IdentityMatcher;
  tracker?: TrackerOptions;
}

interface Ended {
  evidence: TrackEvidence;
  box: Track['box'];
  timer: NodeJS.Timeout;
}

/**
 * Camera frames to identity decisions: analyze (detect, gate, embed), follow each
 * face with the tracker, decide per track from several frames, and tell the bus.
 * The newest frame is always the next one processed (the camera drops the rest).
 * Strangers' embeddings live only in the TrackEvidence objects held here, and are
 * zeroed once a track has been gone for `faces.strangerGraceSeconds`.
 */
export class FacesStage implements Part, FacesInView {
  readonly name = 'faces';
  private readonly log = logger('mnemo:faces');
  private readonly tracker: IouTracker;
  private readonly live = new Map<string, { evidence: TrackEvidence; track: Track }>();
  private readonly ended = new Map<string, Ended>();
  private readonly encounters = new Map<string, number>();
  private view: { width: number; height: number } | null = null;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private sweep: NodeJS.Timeout | undefined;

  constructor(private readonly deps: FacesStageDeps) {
    this.tracker = new IouTracker(deps.tracker ?? DEFAULT_TRACKER);
  }

  async start(signal: AbortSignal): Promise<void> {
    const { analyzer, camera, bus, clock } = this.deps;
    await analyzer.load();
    camera.onUnavailable((e) => bus.emit('camera-unavailable', { at: clock.monotonic(), ...e }));
    // Enrollments, merges and forgets elsewhere (phone, CLI) change who can be named.
    bus.on(this.name, 'memory-changed', () => this.deps.matcher.invalidate?.());
    this.abort = new AbortController();
    signal.addEventListener('abort', () => this.abort?.abort(), { once: true });
    await camera.start(this.abort.signal);
    this.loop = this.run(this.abort.signal);
    // With no frames at all the tracker never runs, so a sweep ends tracks (and starts their grace period).
    this.sweep = setInterval(() => {
      for (const t of this.tracker.expire(clock.monotonic())) this.lose(t);
    }, SWEEP_MS);
    this.sweep.unref?.();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this.name);
    clearInterval(this.sweep);
    this.abort?.abort();
    await this.deps.camera.stop();
    await this.loop;
    this.loop = undefined;
    for (const t of this.tracker.clear()) this.lose(t);
    for (const [id, e] of this.ended) this.forget(id, e);
  }

  /** Resolves when the camera has no more frames (replay end) or the stage stops. */
  finished(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  /** One frame through the whole stage (the run loop calls this; tests and the benchmark may too). */
  async processFrame(frame: Frame): Promise<void> {
    const { bus, clock, analyzer, camera } = this.deps;
    const id = String(frame.seq);
    bus.emit('frame', { at: frame.at, id, width: frame.width, height: frame.height, dropped: camera.stats().dropped });
    bus.emit('faces-start', { at: clock.monotonic(), id });
    this.view = { width: frame.width, height: frame.height };
    let analysis: Awaited<ReturnType<FaceAnalyzer['analyze']>>;
    try {
      analysis = await analyzer.analyze({ data: frame.data, width: frame.width, height: frame.height });
    } catch (err) {
      this.log.warn({ frame: id, reason: errorMessage(err) }, 'frame analysis failed');
      bus.emit('faces-error', { at: clock.monotonic(), id, error: errorMessage(err) });
      return;
    }
    const t0 = performance.now();
    const update = this.tracker.update(
      analysis.faces.map((f) => f.box),
      frame.at,
    );
    const t1 = performance.now();
    for (const { index, track, isNew } of update.assigned) {
      const face = analysis.faces[index];
      if (!face) continue;
      let entry = this.live.get(track.id);
      if (isNew || !entry) {
        entry = { evidence: new TrackEvidence(track.id, this.deps.config.faces.framesToDecide), track };
        this.live.set(track.id, entry);
        this.log.debug({ trackId: track.id, size: Math.round(track.box.width), quality: face.quality.ok }, 'track new');
        bus.emit('track-new', { at: clock.monotonic(), trackId: track.id, box: { ...track.box, score: face.score } });
      }
      const identified = entry.evidence.add(face, frame.at, this.deps.matcher);
      if (identified) {
        this.log.debug({ trackId: track.id, similarity: identified.similarity, margin: identified.margin }, 'track identified');
        bus.emit('track-identified', { at: clock.monotonic(), trackId: track.id, frameAt: frame.at, ...identified });
      }
    }
    const t2 = performance.now();
    for (const t of update.lost) this.lose(t);
    bus.emit('faces-end', {
      at: clock.monotonic(),
      id,
      faces: analysis.faces.length,
      steps: { decode: frame.decodeMs, ...analysis.steps, track: t1 - t0, match: t2 - t1 },
    });
  }

  enrollFaceInView(name: string, context: { note?: string; place?: string }): Promise<EnrollOutcome> {
    const { memory, analyzer, config, clock, bus } = this.deps;
    const inView: EnrollCandidate[] = [...this.live.values()]
      .filter((l) => l.track.missed === 0)
      .map((l) => ({ evidence: l.evidence, box: l.track.box }));
    const recent = [...this.live.values()].map((l) => ({ evidence: l.evidence, box: l.track.box }));
    const gone = [...this.ended.values()].map((e) => ({ evidence: e.evidence, box: e.box }));
    const candidates = inView.length ? inView : recent.length ? recent : gone;
    return enrollInView({ name, context, candidates, view: this.view, memory, modelId: analyzer.modelId, faces: config.faces, clock }).then(
      (outcome) => {
        if (outcome.ok) {
          if (outcome.trackId && outcome.encounterId !== null) {
            // A face enrolled just after it left the view (grace period): its encounter is already over.
            if (this.live.has(outcome.trackId)) this.encounters.set(outcome.trackId, outcome.encounterId);
            else memory.encounters.end(outcome.encounterId, clock.now());
          }
          bus.emit('memory-changed', {
            at: clock.monotonic(),
            table: 'people',
            action: outcome.created ? 'enroll' : 'add-samples',
            ids: [outcome.personId],
          });
          this.log.info({ created: outcome.created, samples: outcome.samples }, 'face enrolled');
        } else {
          this.log.info({ reason: outcome.reason }, 'face enrollment refused');
        }
        const { trackId: _t, ...rest } = outcome as EnrollOutcome & { trackId?: string };
        return rest as EnrollOutcome;
      },
    );
  }

  personInView(): { personId: number; trackId: string } | null {
    const named = [...this.live.values()].filter((l) => l.track.missed === 0 && l.evidence.status === 'named');
    const people = new Set(named.map((l) => l.evidence.personId));
    if (people.size !== 1 || !named[0]) return null;
    return { personId: named[0].evidence.personId as number, trackId: named[0].evidence.trackId };
  }

  /** Live and grace-period tracks (for tests: proves what is still held in RAM). */
  heldTracks(): { live: number; ended: number; embeddings: number } {
    const all = [...[...this.live.values()].map((l) => l.evidence), ...[...this.ended.values()].map((e) => e.evidence)];
    return { live: this.live.size, ended: this.ended.size, embeddings: all.reduce((n, e) => n + e.samples.length, 0) };
  }

  private async run(signal: AbortSignal): Promise<void> {
    for (;;) {
      const frame = await this.deps.camera.next(signal);
      if (!frame || signal.aborted) break;
      try {
        await this.processFrame(frame);
      } catch (err) {
        // e.g. the memory failing under the matcher: this frame is lost, the stage goes on.
        this.log.warn({ frame: frame.seq, reason: errorMessage(err) }, 'frame failed');
        this.deps.bus.emit('faces-error', { at: this.deps.clock.monotonic(), id: String(frame.seq), error: errorMessage(err) });
      }
    }
  }

  private lose(track: Track): void {
    const entry = this.live.get(track.id);
    this.live.delete(track.id);
    this.log.debug({ trackId: track.id, status: entry?.evidence.status }, 'track lost');
    this.deps.bus.emit('track-lost', { at: this.deps.clock.monotonic(), trackId: track.id });
    const encounterId = this.encounters.get(track.id);
    if (encounterId !== undefined) {
      this.encounters.delete(track.id);
      try {
        this.deps.memory.encounters.end(encounterId, this.deps.clock.now());
      } catch (err) {
        this.log.warn({ reason: errorMessage(err) }, 'could not end the enrollment encounter');
      }
    }
    if (!entry) return;
    const graceMs = this.deps.config.faces.strangerGraceSeconds * 1000;
    const ended: Ended = { evidence: entry.evidence, box: track.box, timer: setTimeout(() => this.forget(track.id, ended), graceMs) };
    ended.timer.unref?.();
    this.ended.set(track.id, ended);
  }

  private forget(trackId: string, ended: Ended): void {
    clearTimeout(ended.timer);
    ended.evidence.wipe();
    this.ended.delete(trackId);
  }
}
