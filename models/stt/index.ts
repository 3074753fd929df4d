export { STT_MODELS, WHISPER_FILES } from './catalog.js';
export { createSpeechToText, POCKETSPHINX_MODEL } from './factory.js';
export { buildJsgf } from './jsgf.js';
export { PocketSphinxStt } from './pocketsphinx-stt.js';
export type { CommandGrammar, SpeechToText, Transcript } from './types.js';
export { WhisperStt, whisperMissing } from './whisper-stt.js';
