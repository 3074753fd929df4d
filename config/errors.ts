/**
 * Every failure the wearer or an operator can act on has a stable code, a message
 * and, where one exists, the fix. The CLI prints these three instead of a stack.
 */
export type MnemoErrorCode =
  | 'config-invalid'
  | 'config-unreadable'
  | 'model-missing'
  | 'model-hash-mismatch'
  | 'model-unknown'
  | 'model-pull-failed'
  | 'model-unpinned'
  | 'part-start-failed'
  | 'not-implemented'
  | 'memory-disk-full'
  | 'memory-corrupt'
  | 'memory-locked'
  | 'memory-key-invalid'
  | 'memory-newer-version'
  | 'memory-not-found'
  | 'camera-unavailable'
  | 'image-invalid'
  | 'face-not-found'
  | 'face-ambiguous'
  | 'microphone-unavailable'
  | 'audio-invalid'
  | 'stt-model-missing'
  | 'stt-failed'
  | 'tts-failed'
  | 'mqtt-unavailable'
  | 'glasses-offline'
  | 'llm-failed'
  | 'llm-timeout'
  | 'aborted'
  | 'pairing-locked'
  | 'pairing-code-wrong'
  | 'pairing-code-expired'
  | 'review-web-build-failed'
  | 'scenario-invalid'
  | 'bench-unknown'
  | 'invalid-argument';

export interface MnemoErrorOptions {
  cause?: unknown;
  /** What the user can do about it, e.g. "run `mnemo models pull ultraface`". */
  fix?: string;
  /** Extra structured facts (file, path, ...) for `--json` output and tests. */
  details?: Record<string, unknown>;
}

export class MnemoError extends Error {
  readonly code: MnemoErrorCode;
  readonly fix?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: MnemoErrorCode, message: string, options: MnemoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MnemoError';
    this.code = code;
    this.fix = options.fix;
    this.details = options.details;
  }
}

export function isMnemoError(err: unknown, code?: MnemoErrorCode): err is MnemoError {
  return err instanceof MnemoError && (code === undefined || err.code === code);
}

/** A readable message for anything thrown, including the strings some libraries throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}
