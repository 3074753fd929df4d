import { defaultConfig } from '../config/schema.js';
import { MODELS } from '../models/manifest.js';
import { ModelPuller } from '../models/puller.js';
import { ModelStore } from '../models/store.js';
import { BBT_FACES, sharedDataPresent } from './helpers/models.js';

/** Real models for the integration tests: pulled once (idempotent) before any test runs. */
export default async function setup(): Promise<void> {
  // The identity tests need the real photos; say where they were looked for rather than fail one by one.
  if (!sharedDataPresent()) {
    throw new Error(`no shared test data at ${BBT_FACES}: put the shared/ folder beside the checkout or set MNEMO_SHARED_DATA`);
  }
  const store = new ModelStore(defaultConfig().models.dir);
  await new ModelPuller(store).pull(MODELS.filter((m) => m.source.kind === 'npm').map((m) => m.id));
}
