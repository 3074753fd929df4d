/* The contract of speech to text (models/stt) as the voice stage sees it. */

export interface Transcript {
  text: string;
  /** 0..1; engines without a calibrated score give their best estimate. */
  confidence: number;
  engine: string;
  /** PocketSphinx: whether the command grammar or free dictation produced the text. */
  mode?: 'grammar' | 'dictation' | 'whisper';
  /** Wall-clock milliseconds the engine spent (for real-time factors). */
  elapsedMs?: number;
}

/** A command grammar built from the intents and the names in memory (JSGF for PocketSphinx). */
export interface CommandGrammar {
  /**
   * Whole sentences the grammar accepts, e.g. "where did i meet <name>",
   * "this is <name> [he | she] <text>" (`<text>`: free words, taken from dictation;
   * JSGF `[optional]` and `(a | b)` allowed).
   */
  phrases: string[];
  /** Names of people in memory (and common first names), so they are recognised. */
  names: string[];
  /** Extra words free-text slots (`<text>` in a phrase) may use, e.g. the words of the wearer's notes. */
  vocabulary?: string[];
}

export interface SpeechToText {
  readonly engine: string;
  /** Why this engine was chosen (config, or a missing Whisper model): logged at start. */
  readonly reason?: string;
  load(): Promise<void>;
  /** 16 kHz mono signed 16-bit PCM. With a grammar, commands are tried first, then free dictation. */
  transcribe(pcm: Int16Array, opts?: { grammar?: CommandGrammar; signal?: AbortSignal }): Promise<Transcript>;
  dispose(): Promise<void>;
}
