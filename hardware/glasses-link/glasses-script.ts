import { MnemoError } from '../../config/errors.js';
import { BUTTON_ACTIONS, type ButtonAction } from './topics.js';
import type { VirtualGlasses } from './virtual-glasses.js';

/*
 * A scripted timeline for the virtual glasses (`--script FILE`), one step a line:
 *   <seconds from start> <step> [arguments]      # comment
 * steps: press | release | long-press | double-press | battery <percent> [charging]
 *        | crash (drop the connection: the last will fires) | quit
 * e.g. "1.5 press", "4 release", "10 battery 12", "30 quit".
 */

export type ScriptStep =
  | { at: number; kind: 'button'; action: ButtonAction }
  | { at: number; kind: 'battery'; percent: number; charging: boolean }
  | { at: number; kind: 'crash' }
  | { at: number; kind: 'quit' };

export function parseGlassesScript(text: string, file = 'script'): ScriptStep[] {
  const steps: ScriptStep[] = [];
  const errors: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [atText, step, ...args] = line.split(/\s+/);
    const at = Number(atText);
    const where = `${file}:${i + 1}`;
    if (!Number.isFinite(at) || at < 0) {
      errors.push(`${where}: "${atText}" is not a time in seconds`);
      continue;
    }
    if ((BUTTON_ACTIONS as readonly string[]).includes(step as string)) {
      steps.push({ at, kind: 'button', action: step as ButtonAction });
    } else if (step === 'battery') {
      const percent = Number(args[0]);
      if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
        errors.push(`${where}: battery needs a percent 0-100`);
        continue;
      }
      if (args[1] !== undefined && args[1] !== 'charging') {
        errors.push(`${where}: after the percent only "charging" may follow`);
        continue;
      }
      steps.push({ at, kind: 'battery', percent, charging: args[1] === 'charging' });
    } else if (step === 'crash' || step === 'quit') {
      steps.push({ at, kind: step });
    } else {
      errors.push(`${where}: unknown step "${step ?? ''}" (${[...BUTTON_ACTIONS, 'battery', 'crash', 'quit'].join(', ')})`);
    }
  }
  if (errors.length) {
    throw new MnemoError('scenario-invalid', `${file} has ${errors.length} error(s):\n  ${errors.join('\n  ')}`, {
      details: { file, errors },
    });
  }
  return steps.sort((a, b) => a.at - b.at);
}

/** Plays a script against the glasses; resolves after the last step (or when a `quit`/`crash` step runs). */
export async function runGlassesScript(
  glasses: VirtualGlasses,
  steps: ScriptStep[],
  options: { signal?: AbortSignal; onStep?: (s: ScriptStep) => void } = {},
): Promise<'done' | 'quit' | 'crash'> {
  const t0 = performance.now();
  for (const step of steps) {
    const wait = t0 + step.at * 1000 - performance.now();
    if (wait > 0) await sleep(wait, options.signal);
    if (options.signal?.aborted) return 'quit';
    options.onStep?.(step);
    if (step.kind === 'button') await glasses.press(step.action).catch(() => {});
    else if (step.kind === 'battery') await glasses.setBattery(step.percent, step.charging).catch(() => {});
    else if (step.kind === 'crash') {
      glasses.crash();
      return 'crash';
    } else return 'quit';
  }
  return 'done';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
