/*
 * The small interfaces stages use to reach each other without importing each
 * other's internals. Each is implemented in its own folder and injected by the
 * runtime builder (runtime.ts); tests pass fakes that fail loudly when misused.
 */

export type WhisperPriority = 'answer' | 'recall' | 'system';

export interface Whisper {
  text: string;
  /** An answer to the wearer's question beats a recall; a system message (pairing code) beats both. */
  priority: WhisperPriority;
  /** Memory ids the text was built from (for the bus and the demo report). */
  memoryIds?: string[];
}

export interface WhisperResult {
  streamId: string;
  /** 'played': the glasses reported `played`; 'dropped': stale/duplicate/offline; 'interrupted': a higher priority stopped it. */
  outcome: 'played' | 'dropped' | 'interrupted' | 'stopped';
  reason?: string;
}

/** The whisper queue (glasses-link issue): speaks text into the wearer's ear. */
export interface WhisperSink {
  say(whisper: Whisper): Promise<WhisperResult>;
  /** True while a stream is being sent or played. */
  isSpeaking(): boolean;
  /** The last text spoken ("repeat that"). */
  lastText(): string | undefined;
  /** Volume 0..1 on the glasses ("louder"/"quieter"). */
  setVolume(volume: number): void;
  volume(): number;
}

export type EnrollOutcome =
  | { ok: true; personId: number; name: string; samples: number; encounterId: number | null; created: boolean }
  | { ok: false; reason: 'no-face' | 'ambiguous' | 'low-quality'; message: string };

/** The faces stage (face-recall issue), as the voice stage sees it. */
export interface FacesInView {
  /** "this is Tom": enroll the most central, largest good-quality face in view. */
  enrollFaceInView(name: string, context: { note?: string; place?: string }): Promise<EnrollOutcome>;
  /** The identified person in view now, if exactly one is clear. */
  personInView(): { personId: number; trackId: string } | null;
}

/** Phone pairing (review issue), as the voice stage sees it. */
export interface PhonePairing {
  /** Starts a pairing window; the returned code is spoken into the ear. */
  startPairing(): { code: string; expiresAt: number };
  /** "unpair all phones". */
  revokeAll(): number;
  /** The certificate's SHA-256 fingerprint, spoken on request. */
  fingerprint(): string;
}

export interface GroundedAnswer {
  text: string;
  memoryIds: string[];
  via: string;
}

/** The personal language model (personal-model issue), as the intent stage sees it. */
export interface PersonalModel {
  /** Present and loaded? When false, the caller uses its template answers. */
  available(): boolean;
  /** Answers from memory; null when the answer failed the grounding check. */
  answer(question: string, context: { personInView?: number | null; signal?: AbortSignal }): Promise<GroundedAnswer | null>;
}

/** The injected clock: wall time for memory rows, monotonic time for latency. */
export interface Clock {
  now(): number;
  monotonic(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
