export { MODEL_ID as VAD_MODEL_ID, SileroVad, type SpeechProbability, WINDOW as VAD_WINDOW } from './silero-vad.js';
export { type EndReason, type SegmenterEvent, type SegmenterOptions, type Utterance, UtteranceSegmenter } from './utterance-segmenter.js';
