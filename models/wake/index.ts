export { MODEL_ID as WAKE_MODEL_ID, OpenWakeWord, type WakeScore } from './open-wake-word.js';
export { WakeTrigger } from './wake-trigger.js';
