import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import { openMemoryFromConfig } from '../../memory/index.js';
import { addLocalModel } from '../../models/llm/local-folder.js';
import type { ModelTask } from '../../models/manifest.js';
import { ModelStore } from '../../models/store.js';
import { commandConfig, output } from '../cli-context.js';
import { buildDataset, toJsonl } from '../personal/dataset.js';

/** `mnemo personal export --out F.jsonl`: the wearer's fine-tuning dataset. */
export function registerPersonal(program: Command): void {
  const personal = program.command('personal').description('the personal language model: its fine-tuning dataset');
  personal
    .command('export')
    .description('write a chat-messages JSONL dataset (facts, encounters, Q&A, corrections) for training a LoRA off-device')
    .requiredOption('--out <file>', 'the .jsonl file to write')
    .option('--memory <path>', 'memory file (default: memory.path)')
    .option('--json', 'JSON output (counts)')
    .action((opts: { out: string; memory?: string; json?: boolean }, cmd: Command) => {
      const config = commandConfig(cmd, opts.memory ? { memory: { path: opts.memory } } : {});
      const memory = openMemoryFromConfig(config.memory);
      try {
        const { examples, stats } = buildDataset(memory);
        const out = resolve(opts.out);
        // Written whole then renamed: a half-written dataset never looks finished.
        writeFileSync(`${out}.tmp`, toJsonl(examples), { mode: 0o600 });
        renameSync(`${out}.tmp`, out);
        output(opts.json, { file: out, lines: examples.length, ...stats }, () =>
          [
            `wrote ${examples.length} examples to ${out}`,
            `  ${stats.facts} facts, ${stats.encounters} encounters, ${stats.confirmed} confirmed answers, ${stats.corrections} corrections`,
            '  it holds private memories: keep it on your own machines',
          ].join('\n'),
        );
      } finally {
        memory.close();
      }
    });
}

/** `mnemo models add-local DIR`: registers a folder (e.g. a trained personal model) verified by hash. */
export function registerAddLocal(models: Command): void {
  models
    .command('add-local <dir>')
    .description('register a local model folder (hashed now, verified at every load); e.g. your fine-tuned ONNX export')
    .option('--id <id>', 'model id (default: local-<folder name>)')
    .option('--task <task>', 'model task', 'text-generation')
    .option('--replace', 'accept a folder whose files changed since it was registered')
    .option('--json', 'JSON output')
    .action(async (dir: string, opts: { id?: string; task: string; replace?: boolean; json?: boolean }, cmd: Command) => {
      const config = commandConfig(cmd);
      const tasks: ModelTask[] = ['text-generation', 'speech-to-text', 'sentence-embedding', 'face-embedding', 'face-detection'];
      if (!tasks.includes(opts.task as ModelTask)) {
        throw new MnemoError('invalid-argument', `unknown task ${opts.task}`, { fix: `one of ${tasks.join(', ')}` });
      }
      const store = new ModelStore(config.models.dir);
      const { entry, action } = await addLocalModel(store, dir, { id: opts.id, task: opts.task as ModelTask, replace: opts.replace });
      output(opts.json, { id: entry.id, action, files: entry.files }, () =>
        [
          `${entry.id}: ${action} (${entry.files.length} files hashed)`,
          entry.task === 'text-generation' ? `use it as the personal model: set llm.model: ${entry.id}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
}
