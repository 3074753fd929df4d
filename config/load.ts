import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { applyOverrides, envOverrides, UnknownEnvVariableError } from './env.js';
import { MnemoError } from './errors.js';
import { type Config, configSchema } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'mnemo.yaml';

export interface LoadOptions {
  /** A YAML or JSON file; without it `./mnemo.yaml` is used when present. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Values laid over the file and the environment (CLI flags such as --memory). */
  overrides?: Record<string, unknown>;
}

/** One line per problem: `recall.cooldownSeconds: expected a number >= 0, got -5`. */
export function formatIssues(issues: z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    const at = (p: string[]) => (p.length ? p.join('.') : '(root)');
    const got = valueAt(input, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((k) => `${at([...path, k])}: unknown setting`);
      case 'invalid_type':
        return [`${at(path)}: expected ${article(issue.expected)}, got ${describe(got)}`];
      case 'too_small':
        return [
          `${at(path)}: expected ${article(String(issue.origin))} ${issue.inclusive ? '>=' : '>'} ${issue.minimum}, got ${describe(got)}`,
        ];
      case 'too_big':
        return [
          `${at(path)}: expected ${article(String(issue.origin))} ${issue.inclusive ? '<=' : '<'} ${issue.maximum}, got ${describe(got)}`,
        ];
      case 'invalid_value':
        return [`${at(path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(got)}`];
      default:
        return [`${at(path)}: ${issue.message}`];
    }
  });
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MnemoError('config-unreadable', `cannot read config file ${file}`, { cause });
  }
  let data: unknown;
  try {
    data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new MnemoError(
      'config-invalid',
      `${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(cause as Error).message}`,
      {
        cause,
        details: { file, errors: [(cause as Error).message] },
      },
    );
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new MnemoError('config-invalid', `${file}: the top level must be a mapping of sections`, {
      details: { file, errors: ['(root): expected a mapping'] },
    });
  }
  return data as Record<string, unknown>;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/**
 * `~/x` in any string setting means the user's home dir (as in shells), and a key
 * left empty (`review:` with every setting commented out, YAML null) means "defaults".
 */
function normalise(v: unknown): unknown {
  if (typeof v === 'string') return v === '~' || v.startsWith('~/') ? join(homedir(), v.slice(1)) : v;
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, normalise(x)]),
    );
  }
  return v;
}

/** Parse and validate; throws `config-invalid` listing every error by its path. */
export function validateConfig(input: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(normalise(input));
  if (result.success) return result.data;
  const errors = formatIssues(result.error.issues, input);
  throw new MnemoError(
    'config-invalid',
    `${source} has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n  ${errors.join('\n  ')}`,
    {
      fix: 'correct the settings above; `mnemo config schema` prints every setting',
      details: { file: source, errors },
    },
  );
}

export function loadConfig(options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = options.file ? resolve(cwd, options.file) : resolve(cwd, DEFAULT_CONFIG_FILE);
  const fromFile = options.file || existsSync(file) ? readFile(file) : {};
  let data = structuredClone(fromFile);
  try {
    applyOverrides(data, envOverrides(configSchema, env));
  } catch (err) {
    if (err instanceof UnknownEnvVariableError) {
      throw new MnemoError('config-invalid', `environment: ${err.message}`, {
        fix: 'see `mnemo config schema` for setting names; the rule is MNEMO_<SECTION>__<SETTING_IN_SNAKE_CASE>',
        details: { errors: [err.message] },
      });
    }
    throw err;
  }
  if (options.overrides) data = deepMerge(data, options.overrides);
  return validateConfig(data, options.file || existsSync(file) ? file : 'config');
}
