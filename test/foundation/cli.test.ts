import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'device', 'cli.ts');

async function mnemo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', cli, ...args], {
      env: { ...process.env, MNEMO_LOG__LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('mnemo CLI', () => {
  it('prints the code, the message and the fix for a bad config, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-cli-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'recall:\n  cooldownSeconds: -1\nreview:\n  port: 99999\n');
    const r = await mnemo('config', 'check', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('mnemo: config-invalid:');
    expect(r.stderr).toContain('recall.cooldownSeconds: expected a number >= 0, got -1');
    expect(r.stderr).toContain('review.port: expected a number <= 65535, got 99999');
    expect(r.stderr).toContain('fix:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('has --version and --help, and lists models with their status as JSON', async () => {
    expect((await mnemo('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await mnemo('models', '--help')).stdout).toContain('pull');
    const list = JSON.parse((await mnemo('models', 'list', '--json')).stdout) as Array<{ id: string; status: string; licence: string }>;
    expect(list.find((m) => m.id === 'ultraface-rfb-320')).toMatchObject({ status: 'present', licence: 'MIT (declared)' });
  });

  it('prints the config JSON Schema', async () => {
    const schema = JSON.parse((await mnemo('config', 'schema')).stdout) as { properties: object };
    expect(Object.keys(schema.properties)).toContain('recall');
  });
});
