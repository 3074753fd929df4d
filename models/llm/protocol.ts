/*
 * Messages between the generator (main thread) and its worker thread. Cancellation
 * does not go through messages: the worker's event loop is busy inside ONNX runs, so
 * the main thread flips a flag in shared memory that the worker's stopping criterion
 * reads after every token (Atomics), which works even mid-generation.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LoadRequest {
  type: 'load';
  /** The model folder (verified by the main thread before it is loaded). */
  folder: string;
  dtype: 'q4' | 'q8' | 'fp16' | 'fp32';
  threads?: number;
}

export interface GenerateRequest {
  type: 'generate';
  id: number;
  messages: ChatMessage[];
  maxNewTokens: number;
  stop: string[];
  temperature: number;
  /** Int32Array over a SharedArrayBuffer: [0] != 0 means stop now (1 aborted, 2 timed out). */
  cancel: SharedArrayBuffer;
}

export type WorkerRequest = LoadRequest | GenerateRequest | { type: 'dispose' };

export type StopReason = 'eos' | 'max-tokens' | 'stop-string' | 'cancelled';

export type WorkerReply =
  | { type: 'loaded'; ms: number; hasChatTemplate: boolean }
  | { type: 'prompt'; id: number; promptTokens: number }
  | { type: 'token'; id: number; text: string }
  | { type: 'done'; id: number; text: string; tokens: number; promptTokens: number; stoppedBy: StopReason }
  | { type: 'error'; id?: number; message: string; name: string };

export const CANCEL_NONE = 0;
export const CANCEL_ABORT = 1;
export const CANCEL_TIMEOUT = 2;
