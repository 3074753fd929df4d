/*
 * The typed map of every event on the bus. Stages emit paired `*-start`/`*-end`
 * (and `*-error`) events carrying `at` = performance.now(), so latency is read off
 * the bus itself (see latency.ts). Payloads that carry private content (names,
 * transcripts, prompts) stay in process: the bus is never logged at info level.
 */

export interface Timed {
  /** performance.now() when the event happened. */
  at: number;
  /** Correlates a start with its end (a frame number, a stream id, an utterance id). */
  id?: string;
}

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export interface MnemoEvents {
  // lifecycle
  'part-started': Timed & { part: string };
  'part-stopped': Timed & { part: string };
  // camera and faces
  frame: Timed & { width: number; height: number; dropped: number };
  'faces-start': Timed;
  'faces-end': Timed & { faces: number; steps: Record<string, number> };
  'faces-error': Timed & { error: string };
  'track-new': Timed & { trackId: string; box: FaceBox };
  'track-identified': Timed & {
    trackId: string;
    personId: number;
    similarity: number;
    margin: number;
    /** When the frame that decided it was captured. */
    frameAt: number;
  };
  'track-lost': Timed & { trackId: string };
  /** The camera died or stalled; it is restarted after retryInMs (null: not restarted). */
  'camera-unavailable': Timed & { source: string; reason: string; attempt: number; retryInMs: number | null };
  recall: Timed & { personId: number; text: string; trackId: string; memoryIds: string[] };
  // speech out
  'speech-start': Timed & { streamId: string; engine: string; text: string };
  'speech-end': Timed & { streamId: string; engine: string; samples: number };
  'speech-error': Timed & { streamId: string; error: string };
  'audio-first-chunk': Timed & { streamId: string };
  'audio-played': Timed & { streamId: string };
  'audio-stopped': Timed & { streamId: string; reason: string };
  // glasses
  'glasses-online': Timed;
  'glasses-offline': Timed;
  button: Timed & { action: 'press' | 'release' | 'long-press' | 'double-press' };
  battery: Timed & { percent: number; charging: boolean };
  'battery-low': Timed & { percent: number };
  'mqtt-dropped': Timed & { topic: string; reason: string };
  // voice
  'listen-start': Timed & { trigger: 'button' | 'wake-word' | 'vad' | 'file' };
  'wake-word': Timed & { model: string; score: number };
  'vad-end': Timed & { samples: number; reason: 'silence' | 'max-length' | 'release' | 'end' };
  'stt-start': Timed & { engine: string };
  'stt-end': Timed & { engine: string; transcript: string; confidence: number };
  'stt-error': Timed & { engine: string; error: string };
  intent: Timed & { intent: string; slots: Record<string, string>; via: 'rules' | 'examples' | 'fallback' };
  'answer-start': Timed;
  'answer-end': Timed & { text: string; memoryIds: string[]; via: string };
  // personal model
  'llm-prompt': Timed & { prompt: string; memoryIds: string[] };
  'llm-start': Timed & { model: string };
  'llm-token': Timed & { token: string };
  'llm-end': Timed & { model: string; text: string; tokens: number; grounded: boolean };
  'llm-error': Timed & { model: string; error: string };
  // memory and review
  'memory-changed': Timed & { table: string; action: string; ids: Array<number | string> };
  'pairing-code': Timed & { code: string; expiresAt: number };
  'phone-paired': Timed & { phoneId: number };
  /** The phone changed settings in the config file (config paths such as `recall.cooldownSeconds`). */
  'settings-changed': Timed & { paths: string[] };
}

export type MnemoEventName = keyof MnemoEvents;
