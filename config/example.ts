import { homedir } from 'node:os';
import { stringify } from 'yaml';
import { z } from 'zod';
import { envName, unwrap } from './env.js';
import { dataDir } from './paths.js';
import { configSchema, defaultConfig } from './schema.js';

/*
 * Writes the example config from the schema itself, so it lists every setting with
 * its default, its description and its environment variable, and can't drift.
 */

function describe(s: z.ZodType): string | undefined {
  let t: z.ZodType = s;
  for (;;) {
    if (t.description) return t.description;
    if (t instanceof z.ZodDefault || t instanceof z.ZodPrefault || t instanceof z.ZodOptional) t = t.unwrap() as z.ZodType;
    else return undefined;
  }
}

function render(schema: z.ZodType, value: unknown, path: string[], indent: string, out: string[]): void {
  const obj = unwrap(schema);
  if (!(obj instanceof z.ZodObject)) return;
  for (const [key, child] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
    const p = [...path, key];
    const inner = unwrap(child);
    const v = (value as Record<string, unknown> | undefined)?.[key];
    const doc = describe(child);
    if (inner instanceof z.ZodObject) {
      if (doc) out.push(`${indent}# ${doc}`);
      out.push(`${indent}${key}:`);
      render(child, v, p, `${indent}  `, out);
      continue;
    }
    out.push(`${indent}# ${doc ? `${doc} ` : ''}(env ${envName(p)})`);
    // The data dir is shown as its usual place (it follows XDG_DATA_HOME), and the home dir as ~.
    const shown =
      typeof v === 'string' && v.startsWith(dataDir())
        ? `~/.local/share/mnemo${v.slice(dataDir().length)}`
        : typeof v === 'string' && v.startsWith(homedir())
          ? `~${v.slice(homedir().length)}`
          : v;
    const line = shown === undefined ? `${key}:` : stringify({ [key]: shown }, { lineWidth: 0 }).trimEnd();
    out.push(...line.split('\n').map((l) => `${indent}# ${l}`));
  }
}

export function exampleConfig(): string {
  const out = [
    '# mnemo configuration. Every setting is shown commented out with its default;',
    '# uncomment what you change. Validate with `mnemo config check FILE`.',
    '# Each setting can also be set from the environment: MNEMO_<SECTION>__<SETTING_IN_SNAKE_CASE>.',
    '# ~/.local/share/mnemo stands for the data dir: $XDG_DATA_HOME/mnemo when that is set.',
    '',
  ];
  const defaults = defaultConfig();
  const shape = configSchema.shape as Record<string, z.ZodType>;
  for (const [section, schema] of Object.entries(shape)) {
    out.push(`${section}:`);
    render(schema, (defaults as Record<string, unknown>)[section], [section], '  ', out);
    out.push('');
  }
  return out.join('\n');
}
