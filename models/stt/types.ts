/* The contract of speech to text (models/stt) as the voice stage sees it. */

export interface Transcript {
  text: string;
  /** 0..1; engines without a calibrated score give their best estimate. */
  confidence: number;
  engine: string;
}

/** A command grammar built from the intents and the names in memory (JSGF for PocketSphinx). */
export interface CommandGrammar {
  /** Whole sentences the grammar accepts, e.g. "where did i meet <name>". */
  phrases: string[];
  /** Names of people in memory (and common first names), so they are recognised. */
  names: string[];
}

export interface SpeechToText {
  readonly engine: string;
  load(): Promise<void>;
  /** 16 kHz mono signed 16-bit PCM. With a grammar, commands are tried first, then free dictation. */
  transcribe(pcm: Int16Array, opts?: { grammar?: CommandGrammar; signal?: AbortSignal }): Promise<Transcript>;
  dispose(): Promise<void>;
}
