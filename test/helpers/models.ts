import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../config/schema.js';
import { ModelStore } from '../../models/store.js';

/** The models folder the global setup pulled into. */
export function testModelStore(): ModelStore {
  return new ModelStore(defaultConfig().models.dir);
}

/** The shared real data (never copied into the project). */
/** The shared real data beside the checkout (as CI lays it out), or where MNEMO_SHARED_DATA points. */
export const SHARED_DATA = process.env.MNEMO_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const BBT_FACES = join(SHARED_DATA, 'faces', 'bbt');

export function sharedDataPresent(): boolean {
  return existsSync(BBT_FACES);
}

/** The face-api demo group photos (pulled as model `faceapi-demo-photos`). */
export function demoPhoto(n: number): string {
  return join(defaultConfig().models.dir, 'faceapi-demo-photos', 'demo', `sample${n}.jpg`);
}
