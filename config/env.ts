import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/*
 * Environment overrides are derived from the schema: a setting's path, each
 * segment in SCREAMING_SNAKE_CASE, joined by `__`, after `MNEMO_`.
 *   recall.cooldownSeconds      -> MNEMO_RECALL__COOLDOWN_SECONDS
 *   voice.wakeWord.enabled      -> MNEMO_VOICE__WAKE_WORD__ENABLED
 * Values are read as YAML scalars ("60" is a number, "true" a boolean, "[a, b]" a list).
 * Variables without `__` (MNEMO_MEMORY_KEY, MNEMO_DEBUG) are not settings.
 */

export interface EnvOverride {
  variable: string;
  path: string[];
  value: unknown;
}

export function envName(path: string[]): string {
  return `MNEMO_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')}`;
}

/** The schema inside default/prefault/optional wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) {
      s = s.unwrap() as z.ZodType;
    } else return s;
  }
}

/** Every leaf setting's path (objects are walked, records and scalars are leaves). */
export function settingPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) {
    return Object.entries(s.shape as Record<string, z.ZodType>).flatMap(([key, child]) => settingPaths(child, [...prefix, key]));
  }
  return [prefix];
}

export class UnknownEnvVariableError extends Error {
  constructor(readonly variable: string) {
    super(`${variable}: no such setting`);
  }
}

export function envOverrides(schema: z.ZodType, env: NodeJS.ProcessEnv): EnvOverride[] {
  const byName = new Map(settingPaths(schema).map((p) => [envName(p), p]));
  const out: EnvOverride[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith('MNEMO_') || !variable.includes('__') || raw === undefined) continue;
    const path = byName.get(variable);
    if (!path) throw new UnknownEnvVariableError(variable);
    out.push({ variable, path, value: raw === '' ? '' : parseYaml(raw) });
  }
  return out;
}

export function applyOverrides(target: Record<string, unknown>, overrides: EnvOverride[]): void {
  for (const { path, value } of overrides) {
    let node = target;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
}
