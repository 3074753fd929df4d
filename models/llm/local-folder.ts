import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { MnemoError } from '../../config/errors.js';
import { sha256File } from '../hash.js';
import { MODELS, type ModelEntry, type ModelFile, type ModelTask } from '../manifest.js';
import type { ModelStore } from '../store.js';

/*
 * `mnemo models add-local DIR`: a folder the wearer made (a LoRA-merged personal model
 * exported to ONNX, say) becomes a manifest entry with source `local`. Every file is
 * hashed now; from then on the store verifies it like any pulled model, so a folder
 * that changed after registration is refused at load and by re-registration.
 */

export interface AddLocalOptions {
  id?: string;
  task?: ModelTask;
  description?: string;
  /** Re-register a folder whose files changed since it was registered. */
  replace?: boolean;
}

function walk(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, root));
    else out.push(relative(root, p).split('\\').join('/'));
  }
  return out;
}

export function localModelId(dir: string): string {
  return `local-${basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')}`;
}

export async function hashFolder(dir: string): Promise<ModelFile[]> {
  const files: ModelFile[] = [];
  for (const path of walk(dir)) {
    const full = join(dir, path);
    files.push({ path, sha256: await sha256File(full), bytes: statSync(full).size });
  }
  return files;
}

export async function addLocalModel(
  store: ModelStore,
  dirArg: string,
  opts: AddLocalOptions = {},
): Promise<{ entry: ModelEntry; action: 'added' | 'unchanged' | 'replaced' }> {
  const dir = resolve(dirArg);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new MnemoError('invalid-argument', `${dir} is not a folder`, { fix: 'pass the folder holding config.json and onnx/' });
  const id = opts.id ?? localModelId(dir);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id))
    throw new MnemoError('invalid-argument', `"${id}" is not a valid model id`, { fix: 'use lower-case letters, digits, ., _ and -' });
  if (MODELS.some((m) => m.id === id))
    throw new MnemoError('invalid-argument', `"${id}" is a built-in model id`, { fix: 'pick another id with --id' });
  const task = opts.task ?? 'text-generation';
  const files = await hashFolder(dir);
  if (!files.length) throw new MnemoError('invalid-argument', `${dir} is empty`);
  if (task === 'text-generation') {
    const paths = files.map((f) => f.path);
    const need = ['config.json', 'tokenizer.json', 'tokenizer_config.json'].filter((f) => !paths.includes(f));
    if (!paths.some((p) => /^onnx\/model[^/]*\.onnx$/.test(p))) need.push('onnx/model*.onnx');
    if (need.length)
      throw new MnemoError('invalid-argument', `${dir} is not a text-generation model folder: no ${need.join(', ')}`, {
        fix: 'export the model with optimum (ONNX) so it has configs, tokenizer and onnx/',
      });
  }
  const entry: ModelEntry = {
    id,
    task,
    description: opts.description ?? `local folder ${dir}`,
    licence: 'local (the wearer\u2019s own)',
    source: { kind: 'local', dir },
    files,
  };
  const others = store.localEntries().filter((e) => e.id !== id);
  const previous = store.localEntries().find((e) => e.id === id);
  let action: 'added' | 'unchanged' | 'replaced' = 'added';
  if (previous) {
    const same =
      previous.source.kind === 'local' && previous.source.dir === dir && JSON.stringify(previous.files) === JSON.stringify(files);
    if (same) return { entry: previous, action: 'unchanged' };
    if (!opts.replace) {
      const changed = changedFiles(previous.files, files);
      throw new MnemoError(
        'model-hash-mismatch',
        `${id} is registered with different contents (${changed.join(', ')} changed); the folder was not re-registered`,
        {
          fix: `if you changed it yourself, run \`mnemo models add-local ${dirArg} --id ${id} --replace\``,
          details: { model: id, changed },
        },
      );
    }
    action = 'replaced';
  }
  store.saveLocalEntries([...others, entry]);
  return { entry, action };
}

function changedFiles(before: ModelFile[], after: ModelFile[]): string[] {
  const a = new Map(before.map((f) => [f.path, f.sha256]));
  const b = new Map(after.map((f) => [f.path, f.sha256]));
  const out = new Set<string>();
  for (const [p, h] of a) if (b.get(p) !== h) out.add(p);
  for (const p of b.keys()) if (!a.has(p)) out.add(p);
  return [...out];
}
