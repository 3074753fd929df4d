import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MnemoError } from '../../config/errors.js';
import { formatIssues } from '../../config/load.js';

/*
 * A demo scenario is a timeline: what the camera sees, what the wearer says,
 * how time passes, and what mnemo must (and must never) whisper. Users write their
 * own and run them with `mnemo demo --scenario FILE`.
 */

const duration = z.string().regex(/^\d+(\.\d+)?\s*(ms|s|min|h|d|days?|hours?|minutes?)$/, 'a duration like 500ms, 2s, 11min, 3h or 4 days');

/** A still picture the camera sees: a photo (a path, or `model:<id>/<file>` from the models dir), optionally cropped and mirrored. */
const view = z.strictObject({
  photo: z.string(),
  /** Fractions of the photo: [left, top, width, height]. */
  crop: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().gt(0).max(1), z.number().gt(0).max(1)]).optional(),
  mirror: z.boolean().default(false),
  /** Width of the camera frame in pixels (height follows the aspect ratio). */
  width: z.number().int().min(64).max(4096).default(640),
  /** Who is in this view (scenario keys): a recall naming anyone else is a wrong name. */
  shows: z.array(z.string()).default([]),
});

const expectation = z.strictObject({
  /** A whisper whose text matches this (case-insensitive regular expression) must come... */
  whisper: z.string().optional(),
  /** ...and it must not mention these. */
  without: z.array(z.string()).default([]),
  /** Nothing may be whispered during this step. */
  silence: z.boolean().default(false),
  /** Within this long of the step's action. */
  within: duration.default('8s'),
  /** Memory checks after the step: these people exist / do not exist (by scenario name). */
  remembered: z.array(z.string()).default([]),
  forgotten: z.array(z.string()).default([]),
});

const step = z.strictObject({
  scene: z.string().optional().describe('A title for the timeline.'),
  place: z.string().optional().describe('Where the wearer is now (a real device gets it from the phone).'),
  /** What is in view from now on; `none` empties the view. */
  camera: z.union([z.literal('none'), z.string()]).optional(),
  /** The wearer speaks (push-to-talk on the glasses button), synthesised at run time. */
  say: z.string().optional(),
  /** Press the glasses button without speaking: 'long-press' asks for phone pairing. */
  button: z.enum(['press', 'release', 'long-press', 'double-press']).optional(),
  /** Wait (real time) before the next step. */
  wait: duration.optional(),
  /** Skip the scenario clock ahead (the wearer's days pass in a moment). */
  skip: duration.optional(),
  expect: expectation.optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** The scenario clock's start (the day the wearer meets everyone). */
  start: z.iso.datetime({ offset: true }),
  /** The people of the scenario; expectations refer to them by key. */
  people: z.record(z.string(), z.strictObject({ name: z.string(), stranger: z.boolean().default(false) })),
  views: z.record(z.string(), view),
  /** Names that must never be whispered at any point (strangers, forgotten people after forgetting). */
  neverNamed: z.array(z.string()).default([]),
  /** Settings for the run (e.g. a shorter recall cooldown), validated by the config schema. */
  config: z.record(z.string(), z.unknown()).default({}),
  steps: z.array(step).min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioStep = z.infer<typeof step>;
export type ScenarioView = z.infer<typeof view>;
export type Expectation = z.infer<typeof expectation>;

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h|d|days?|hours?|minutes?)$/.exec(text);
  if (!m) throw new MnemoError('scenario-invalid', `not a duration: ${text}`);
  const n = Number(m[1]);
  const unit = m[2] as string;
  const ms = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit.startsWith('min') ? 60_000 : unit.startsWith('h') ? 3_600_000 : 86_400_000;
  return n * ms;
}

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  /** Resolves a view's photo to a file path. */
  photoPath(photo: string, modelsDir: string): string;
}

export function loadScenario(file: string): LoadedScenario {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MnemoError('scenario-invalid', `cannot read scenario ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    const errors = formatIssues(parsed.error.issues, data);
    throw new MnemoError('scenario-invalid', `${file} has ${errors.length} error(s):\n  ${errors.join('\n  ')}`, { details: { errors } });
  }
  const scenario = parsed.data;
  const problems: string[] = [];
  scenario.steps.forEach((s, i) => {
    if (s.camera && s.camera !== 'none' && !scenario.views[s.camera]) problems.push(`steps.${i}.camera: no view called "${s.camera}"`);
    for (const who of [...(s.expect?.remembered ?? []), ...(s.expect?.forgotten ?? [])]) {
      if (!scenario.people[who]) problems.push(`steps.${i}.expect: no person called "${who}"`);
    }
  });
  for (const [key, v] of Object.entries(scenario.views)) {
    for (const who of v.shows) if (!scenario.people[who]) problems.push(`views.${key}.shows: no person called "${who}"`);
  }
  for (const who of scenario.neverNamed) if (!scenario.people[who]) problems.push(`neverNamed: no person called "${who}"`);
  if (problems.length) throw new MnemoError('scenario-invalid', `${file}:\n  ${problems.join('\n  ')}`, { details: { errors: problems } });
  return {
    scenario,
    file,
    photoPath(photo, modelsDir) {
      if (photo.startsWith('model:')) return resolve(modelsDir, photo.slice('model:'.length));
      return isAbsolute(photo) ? photo : resolve(dirname(file), photo);
    },
  };
}
