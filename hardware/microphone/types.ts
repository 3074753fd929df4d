/*
 * The microphone as every stage sees it: a stream of 16 kHz mono signed 16-bit
 * chunks. Real hardware (arecord/sox through node-record-lpcm16) and replay
 * (WAV files, scripted timelines) both implement it, so the voice stage never
 * knows which one it has.
 */

export interface Microphone {
  /** 'arecord', 'sox', 'rec' or 'replay' (for logs). */
  readonly name: string;
  readonly sampleRate: 16000;
  /**
   * Yields chunks of `chunkMs` until the signal aborts, `stop()` is called or the
   * source ends (replay). One stream at a time; a second call while one is open
   * throws. Errors (device missing, recorder died) are `microphone-unavailable`.
   */
  chunks(signal?: AbortSignal): AsyncIterable<Int16Array>;
  /** Ends the open stream (its iterator returns); a no-op when none is open. */
  stop(): void;
}
