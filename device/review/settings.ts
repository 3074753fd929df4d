import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { MnemoError } from '../../config/errors.js';
import { validateConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { settings as settingsSchema } from './schemas.js';

export type ReviewSettings = z.infer<typeof settingsSchema>;

/** Each phone setting and the config path it is stored at. */
const PATHS: Record<keyof ReviewSettings, [keyof Config, string]> = {
  recallCooldownSeconds: ['recall', 'cooldownSeconds'],
  speechEngine: ['speech', 'engine'],
  voice: ['speech', 'voice'],
  language: ['voice', 'language'],
  captureConversations: ['capture', 'conversations'],
};

/**
 * The phone's settings page writes the wearer's config file (YAML keeps its comments;
 * JSON is rewritten) after validating the whole result with the one config schema,
 * so the phone can never store a config that `mnemo start` would refuse.
 */
export class SettingsFile {
  constructor(
    readonly file: string,
    private readonly running: Config,
  ) {}

  read(): ReviewSettings {
    const merged = validateConfig(this.load().toJS() ?? {}, this.file);
    return fromConfig(this.running, merged, this.fileHas.bind(this));
  }

  /** Validates, writes atomically, and updates the running config object; returns the paths changed. */
  write(patch: Partial<ReviewSettings>): { settings: ReviewSettings; changed: string[] } {
    const doc = this.load();
    const changed: string[] = [];
    for (const [key, value] of Object.entries(patch) as Array<[keyof ReviewSettings, unknown]>) {
      if (value === undefined) continue;
      const path = PATHS[key];
      if (value === null) doc.deleteIn(path);
      else doc.setIn(path, value);
      changed.push(path.join('.'));
    }
    const config = validateConfig(doc.toJS() ?? {}, this.file);
    const text = extname(this.file) === '.json' ? `${JSON.stringify(doc.toJS(), null, 2)}\n` : doc.toString();
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (cause) {
      throw new MnemoError('config-unreadable', `cannot write the config file ${this.file}`, { cause });
    }
    for (const [section, key] of Object.values(PATHS)) {
      const from = config[section] as unknown as Record<string, unknown>;
      (this.running[section] as unknown as Record<string, unknown>)[key] = from[key];
    }
    return { settings: this.read(), changed };
  }

  private fileHas(path: [keyof Config, string]): boolean {
    return this.load().hasIn(path);
  }

  private load() {
    if (!existsSync(this.file)) return parseDocument('{}');
    const text = readFileSync(this.file, 'utf8');
    const doc = parseDocument(text.trim() === '' ? '{}' : text);
    if (doc.errors.length) {
      throw new MnemoError('config-invalid', `${this.file} is not valid YAML: ${doc.errors[0]?.message}`, {
        fix: 'correct the file by hand; the phone will not overwrite a file it cannot read',
      });
    }
    return doc;
  }
}

/** The file's value where it sets one, else what is running (environment overrides, defaults). */
function fromConfig(running: Config, file: Config, inFile: (p: [keyof Config, string]) => boolean): ReviewSettings {
  const out: Record<string, unknown> = {};
  for (const [k, path] of Object.entries(PATHS) as Array<[keyof ReviewSettings, [keyof Config, string]]>) {
    const source = inFile(path) ? file : running;
    out[k] = (source[path[0]] as unknown as Record<string, unknown>)[path[1]] ?? null;
  }
  return out as ReviewSettings;
}
