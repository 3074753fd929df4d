import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envName, settingPaths } from '../../config/env.js';
import { isMnemoError, type MnemoError } from '../../config/errors.js';
import { loadConfig } from '../../config/load.js';
import { configJsonSchema, configSchema, defaultConfig } from '../../config/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'mnemo-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(isMnemoError(err, 'config-invalid')).toBe(true);
    return (err as MnemoError).details?.errors as string[];
  }
  throw new Error('expected config-invalid');
}

describe('config', () => {
  it('has defaults for every section', () => {
    const c = defaultConfig();
    expect(c.recall.cooldownSeconds).toBe(600);
    expect(c.mqtt.embedded).toBe(true);
    expect(c.review.port).toBe(8443);
    expect(c.memory.utteranceRetentionDays).toBe(30);
  });

  it('reads YAML and JSON files', () => {
    const y = loadConfig({ file: file('a.yaml', 'recall:\n  cooldownSeconds: 60\nmqtt:\n  port: 1999\n'), env: {} });
    expect(y.recall.cooldownSeconds).toBe(60);
    expect(y.mqtt.port).toBe(1999);
    const j = loadConfig({ file: file('a.json', JSON.stringify({ review: { enabled: false } })), env: {} });
    expect(j.review.enabled).toBe(false);
  });

  it('lists every error by its path, not only the first', () => {
    const f = file('bad.yaml', 'recall:\n  cooldownSeconds: -5\nmqtt:\n  port: "x"\nfaces:\n  threshhold: 0.9\n');
    const errors = errorsOf(() => loadConfig({ file: f, env: {} }));
    expect(errors).toHaveLength(3);
    expect(errors).toContain('recall.cooldownSeconds: expected a number >= 0, got -5');
    expect(errors).toContain('mqtt.port: expected a number, got "x"');
    expect(errors).toContain('faces.threshhold: unknown setting');
  });

  it('rejects an unknown section and a wrong enum value', () => {
    const errors = errorsOf(() => loadConfig({ file: file('b.yaml', 'recal: {}\nspeech:\n  engine: piper\n'), env: {} }));
    expect(errors).toEqual(
      expect.arrayContaining(['recal: unknown setting', expect.stringMatching(/^speech\.engine: expected one of "flite"/)]),
    );
  });

  it('refuses a file that is not YAML, naming it', () => {
    const f = file('broken.yaml', 'recall: [unclosed\n');
    expect(() => loadConfig({ file: f, env: {} })).toThrow(/broken\.yaml is not valid YAML/);
  });

  it('applies MNEMO_* environment overrides derived from the schema', () => {
    const c = loadConfig({
      file: file('c.yaml', 'recall:\n  cooldownSeconds: 30\n'),
      env: { MNEMO_RECALL__COOLDOWN_SECONDS: '60', MNEMO_VOICE__WAKE_WORD__ENABLED: 'true', MNEMO_MEMORY_KEY: 'not-a-setting' },
    });
    expect(c.recall.cooldownSeconds).toBe(60);
    expect(c.voice.wakeWord.enabled).toBe(true);
  });

  it('validates overrides like the file and rejects unknown override variables', () => {
    expect(errorsOf(() => loadConfig({ cwd: dir, env: { MNEMO_RECALL__COOLDOWN_SECONDS: 'soon' } }))).toEqual([
      'recall.cooldownSeconds: expected a number, got "soon"',
    ]);
    expect(errorsOf(() => loadConfig({ cwd: dir, env: { MNEMO_RECALL__COOLDOWN: '5' } }))[0]).toMatch(
      /MNEMO_RECALL__COOLDOWN: no such setting/,
    );
  });

  it('derives one environment name per setting', () => {
    const names = settingPaths(configSchema).map(envName);
    expect(names).toContain('MNEMO_RECALL__COOLDOWN_SECONDS');
    expect(names).toContain('MNEMO_MEMORY__ENCRYPTION__KEY_FILE');
    expect(new Set(names).size).toBe(names.length);
  });

  it('emits a JSON Schema that forbids unknown keys', () => {
    const schema = configJsonSchema() as { properties: Record<string, { additionalProperties?: boolean }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['recall', 'mqtt', 'faces', 'review']));
    expect(schema.properties.recall?.additionalProperties).toBe(false);
  });
});

describe('example config', () => {
  it('is current with the schema, lists every setting and is itself valid', async () => {
    const { readFileSync } = await import('node:fs');
    const { exampleConfig } = await import('../../config/example.js');
    const shipped = readFileSync(join(import.meta.dirname, '..', '..', 'config', 'mnemo.example.yaml'), 'utf8');
    // Regenerate with: npx tsx device/cli.ts config example > config/mnemo.example.yaml
    expect(shipped).toBe(exampleConfig());
    for (const p of settingPaths(configSchema)) expect(shipped).toContain(envName(p));
    expect(() => loadConfig({ file: join(import.meta.dirname, '..', '..', 'config', 'mnemo.example.yaml'), env: {} })).not.toThrow();
  });

  it('expands ~/ in paths', () => {
    const c = loadConfig({ file: file('home.yaml', 'memory:\n  path: ~/m.db\n'), env: {} });
    expect(c.memory.path).not.toContain('~');
    expect(c.memory.path.endsWith('/m.db')).toBe(true);
  });
});
