import type { Config } from '../config/schema.js';
import { ModelStore } from '../models/store.js';
import { EventBus } from './bus.js';
import { ensureModels } from './commands/models.js';
import { type Part, part } from './controller.js';

/** Everything external the runtime uses; tests pass fakes, `mnemo start` the real things. */
export interface RuntimeDeps {
  bus: EventBus;
  models: ModelStore;
}

export function defaultDeps(config: Config): RuntimeDeps {
  return { bus: new EventBus(), models: new ModelStore(config.models.dir) };
}

/**
 * The parts of the runtime, in start order. Each later stage (broker, glasses link,
 * memory, camera, faces, voice, review) is one Part added here.
 */
export function buildRuntime(config: Config, deps: RuntimeDeps): Part[] {
  return [
    part('models', async () => {
      if (config.models.autoPull) await ensureModels(deps.models);
    }),
  ];
}
