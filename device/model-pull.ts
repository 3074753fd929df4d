import { SingleBar } from 'cli-progress';
import { ModelPuller, type PullerDeps, type PullProgress, type PullResult } from '../models/puller.js';
import type { ModelStore } from '../models/store.js';

/** A progress bar on a TTY, nothing otherwise (CI logs stay readable). */
export function progressReporter(): { onProgress?: (p: PullProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { done: () => {} };
  const bar = new SingleBar({ format: '{model} [{bar}] {percentage}% {file}', stream: process.stderr, hideCursor: true });
  let current = '';
  return {
    onProgress: (p) => {
      if (p.model !== current) {
        if (current) bar.stop();
        current = p.model;
        bar.start(p.total, p.done, { model: p.model, file: p.file });
      } else bar.update(p.done, { file: p.file });
    },
    done: () => current && bar.stop(),
  };
}

/**
 * Pulls the given models (default: every auto-pulled one) that are missing, with a
 * progress bar: what `mnemo start`, `mnemo demo` and `mnemo models pull` share.
 */
export async function ensureModels(store: ModelStore, ids?: string[], deps: Omit<PullerDeps, 'onProgress'> = {}): Promise<PullResult[]> {
  const wanted =
    ids ??
    store
      .entries()
      .filter((e) => e.autoPull)
      .map((e) => e.id);
  const progress = progressReporter();
  try {
    return await new ModelPuller(store, { ...deps, onProgress: progress.onProgress }).pull(wanted);
  } finally {
    progress.done();
  }
}
