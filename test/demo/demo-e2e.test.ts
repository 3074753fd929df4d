import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/schema.js';
import type { DemoReport } from '../../device/demo/run-demo.js';
import { DEFAULT_SCENARIO } from '../../device/demo/run-demo.js';
import { loadScenario } from '../../device/demo/scenario-schema.js';
import { renderView } from '../../device/demo/views.js';
import { createFaceAnalyzer } from '../../models/faces/analyzer.js';
import { testModelStore } from '../helpers/models.js';

/*
 * The demo scenario end to end, as a newcomer runs it (`mnemo demo`), in a child
 * process with the network guard preloaded and logs at info as JSON: the
 * timeline, what is (and is not) left in the memory file, every socket, every log line.
 */

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'mnemo-e2e-'));
const memoryPath = join(work, 'memory.db');
const netLog = join(work, 'net.jsonl');
// An empty config of its own, so no mnemo.yaml lying in the checkout changes the run.
const configFile = join(work, 'mnemo.yaml');
writeFileSync(configFile, '# defaults\n');
let report: DemoReport;
let logLines: string[];
let exitCode: number | null;

async function runDemoChild(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', '--import', join(root, 'test', 'privacy', 'net-guard.ts'), join(root, 'device', 'cli.ts')],
      ...['--config', configFile, 'demo', '--json', '--memory', memoryPath, '--out', join(work, 'out')],
    ],
    { cwd: root, env: { ...process.env, MNEMO_NET_GUARD_LOG: netLog, MNEMO_LOG__LEVEL: 'info', MNEMO_LOG__FORMAT: 'json' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  return { code, stdout, stderr };
}

/** The embedding the pipeline makes of a scenario view's main face (deterministic: same pixels, same model). */
async function embeddingOf(view: string): Promise<Buffer> {
  const loaded = loadScenario(DEFAULT_SCENARIO);
  const spec = loaded.scenario.views[view];
  if (!spec) throw new Error(view);
  const image = await renderView(spec, loaded.photoPath(spec.photo, defaultConfig().models.dir));
  const analyzer = createFaceAnalyzer(defaultConfig().faces, testModelStore());
  await analyzer.load();
  const { faces } = await analyzer.analyze(image);
  await analyzer.dispose();
  const main = faces.filter((f) => f.embedding).sort((a, b) => b.box.width - a.box.width)[0];
  if (!main?.embedding) throw new Error(`no embedded face in ${view}`);
  return Buffer.from(main.embedding.buffer, main.embedding.byteOffset, main.embedding.byteLength);
}

function fileBytes(): Buffer {
  return Buffer.concat([memoryPath, `${memoryPath}-wal`].filter(existsSync).map((f) => readFileSync(f)));
}

beforeAll(async () => {
  // PocketSphinx on synthetic speech is not perfectly repeatable on a loaded 2-core machine, so a
  // run that missed an expectation is tried once more - but never one that named a wrong person.
  for (let attempt = 1; attempt <= 2; attempt++) {
    rmSync(memoryPath, { force: true });
    rmSync(`${memoryPath}-wal`, { force: true });
    rmSync(netLog, { force: true });
    const r = await runDemoChild();
    exitCode = r.code;
    logLines = r.stderr.split('\n').filter((l) => l.startsWith('{'));
    try {
      report = JSON.parse(r.stdout) as DemoReport;
    } catch {
      throw new Error(`the demo printed no report (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    }
    if (report.ok || report.result.wrongNames.length > 0) break;
    const failed = report.result.checks.filter((c) => !c.ok).map((c) => `${c.what}: ${c.detail}`);
    process.stderr.write(`demo attempt ${attempt} missed: ${failed.join('; ')}\n`);
  }
}, 900_000);

describe('the demo scenario, end to end', () => {
  it('holds every expectation and exits 0', () => {
    const failed = report.result.checks.filter((c) => !c.ok);
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(exitCode).toBe(0);
  });

  it('whispers the expected things in order, and never names anyone not in view', () => {
    const texts = report.result.whispers.map((w) => w.text.toLowerCase());
    const order = [/ana/, /noted/, /bob/, /ana.*robotics meetup/, /bakery/, /noted/, /ana.*mia/, /forget bob/, /\d \d \d/];
    let from = 0;
    for (const re of order) {
      const i = texts.findIndex((t, k) => k >= from && re.test(t));
      expect(i, `${re} after whisper #${from} in ${JSON.stringify(texts)}`).toBeGreaterThanOrEqual(from);
      from = i + 1;
    }
    expect(report.result.wrongNames).toEqual([]);
  });

  it('answers "where did I meet Bob" from memory: the place Bob was met', () => {
    const answer = report.result.whispers.find((w) => /bakery/i.test(w.text));
    expect(answer?.text).toMatch(/bob/i);
  });

  it('keeps no trace of the stranger or of forgotten Bob in the database file and its WAL', async () => {
    const bytes = fileBytes();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from('Ana'))).toBe(true); // the scan can find what is there
    expect(bytes.includes(Buffer.from('Bob'))).toBe(false);
    expect(bytes.includes(Buffer.from('bakery'))).toBe(false);
    for (const view of ['stranger', 'bob-meet']) {
      const vector = await embeddingOf(view);
      expect(bytes.includes(vector.subarray(0, 64)), `${view} embedding bytes`).toBe(false);
    }
    expect(bytes.includes((await embeddingOf('ana-meet')).subarray(0, 64))).toBe(true);
  });

  it('made no connection except to loopback', () => {
    const entries = readFileSync(netLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { api: string; host: string; allowed: boolean });
    expect(entries.length).toBeGreaterThan(0); // the broker and the glasses did connect
    expect(entries.filter((e) => !e.allowed)).toEqual([]);
  });

  it('logged no name, note, place or transcript at info level or above', () => {
    const atInfo = logLines.map((l) => JSON.parse(l) as { level: number }).filter((l) => l.level >= 30);
    expect(atInfo.length).toBeGreaterThan(0);
    const text = atInfo
      .map((l) => JSON.stringify(l))
      .join('\n')
      .toLowerCase();
    for (const secret of ['ana', 'bob', 'mia', 'drones', 'bakery', 'robotics', 'daughter', 'where did i']) {
      expect(text.match(new RegExp(`\\b${secret}\\b`, 'g')), secret).toBeNull();
    }
  });
});
