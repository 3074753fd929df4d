import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MnemoError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { decryptFile, encryptFile, type Memory, memoryKey, openMemoryFromConfig } from '../../memory/index.js';
import { commandConfig, output, table } from '../cli-context.js';

/* `mnemo memory ...`: look at, move and maintain the long-term memory file. */

interface MemoryOpts {
  memory?: string;
  json?: boolean;
}

function memoryConfig(cmd: Command, opts: MemoryOpts): Config['memory'] {
  return commandConfig(cmd, opts.memory ? { memory: { path: opts.memory } } : {}).memory;
}

function requireFile(path: string): void {
  if (!existsSync(path)) {
    throw new MnemoError('memory-not-found', `no memory file at ${path}`, {
      fix: 'pass --memory PATH or set memory.path',
      details: { file: path },
    });
  }
}

async function withMemory<T>(cmd: Command, opts: MemoryOpts, fn: (m: Memory) => T | Promise<T>, mustExist = true): Promise<T> {
  const cfg = memoryConfig(cmd, opts);
  if (mustExist) requireFile(cfg.path);
  const m = openMemoryFromConfig(cfg);
  try {
    return await fn(m);
  } finally {
    m.close();
  }
}

const day = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

export function registerMemory(program: Command): void {
  const memory = program.command('memory').description('the long-term memory: people, stats, export, import, forget, backup, encryption');
  const sub = (name: string, description: string) =>
    memory.command(name).description(description).option('--memory <path>', 'the memory file (default: memory.path)');

  sub('people', 'everyone remembered: name, face samples, encounters, last seen')
    .option('--json', 'JSON output')
    .action((opts: MemoryOpts, cmd: Command) =>
      withMemory(cmd, opts, (m) => {
        const people = m.people.list();
        output(opts.json, people, () =>
          people.length
            ? table(
                people.map((p) => [p.id, p.name, p.samples, p.encounters, p.notes, day(p.lastSeen)]),
                ['id', 'name', 'samples', 'encounters', 'notes', 'last seen'],
              )
            : 'nobody yet',
        );
      }),
    );

  sub('stats', 'counts, file size, vector search mode, encryption')
    .option('--json', 'JSON output')
    .action((opts: MemoryOpts, cmd: Command) =>
      withMemory(cmd, opts, (m) => {
        const s = { path: m.path, ...m.stats() };
        output(opts.json, s, () =>
          Object.entries(s)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
        );
      }),
    );

  sub('export', 'write everything as open JSON (people, samples metadata, encounters, notes, profile)')
    .requiredOption('--out <file>', 'the JSON file to write (0600)')
    .option('--with-embeddings', 'include face embeddings (biometric data)')
    .option('--with-thumbnails', 'include face thumbnails (base64 JPEG)')
    .option('--force', 'overwrite an existing file')
    .action((opts: MemoryOpts & { out: string; withEmbeddings?: boolean; withThumbnails?: boolean; force?: boolean }, cmd: Command) =>
      withMemory(cmd, opts, (m) => {
        if (existsSync(opts.out) && !opts.force)
          throw new MnemoError('invalid-argument', `${opts.out} exists`, { fix: 'pass --force to overwrite it' });
        const data = m.export({ withEmbeddings: opts.withEmbeddings, withThumbnails: opts.withThumbnails });
        writeFileSync(opts.out, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
        process.stderr.write(`exported ${data.people.length} people to ${opts.out}\n`);
      }),
    );

  sub('import <file>', 'read an export back (people with a known name get the rows added)')
    .option('--json', 'JSON output')
    .action((file: string, opts: MemoryOpts, cmd: Command) => {
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch (cause) {
        throw new MnemoError('invalid-argument', `${file} is not a readable JSON file`, { cause });
      }
      return withMemory(
        cmd,
        opts,
        (m) => {
          const r = m.import(data as Parameters<Memory['import']>[0]);
          output(opts.json, r, () => `imported ${r.people} people and ${r.notes} notes`);
          const bare = (data as { people: Array<{ samples: Array<{ embedding?: unknown }> }> }).people
            .flatMap((p) => p.samples)
            .filter((x) => !x.embedding);
          if (bare.length)
            process.stderr.write(`  note: ${bare.length} face samples had no embedding (export with --with-embeddings) and were skipped\n`);
        },
        false,
      );
    });

  sub('forget <name>', 'delete every trace of a person (samples, encounters, notes, name in transcripts)')
    .option('--yes', 'really forget (required)')
    .action((name: string, opts: MemoryOpts & { yes?: boolean }, cmd: Command) =>
      withMemory(cmd, opts, (m) => {
        const p = m.people.findByName(name);
        if (!p)
          throw new MnemoError('memory-not-found', `nobody (or more than one person) is called "${name}"`, {
            fix: 'see `mnemo memory people`',
          });
        if (!opts.yes) throw new MnemoError('invalid-argument', `this forgets ${p.name} for good`, { fix: 'add --yes' });
        m.people.forget(p.id, 'device');
        process.stderr.write(`forgot ${p.name}\n`);
      }),
    );

  sub('backup', 'a consistent copy while mnemo runs (online backup; an encrypted file stays encrypted)')
    .requiredOption('--out <file>', 'the copy to write (must not exist)')
    .action((opts: MemoryOpts & { out: string }, cmd: Command) =>
      withMemory(cmd, opts, async (m) => {
        await m.backup(opts.out);
        process.stderr.write(`backed up to ${opts.out}\n`);
      }),
    );

  sub('encrypt', 'encrypt a plain memory file with the configured key (memory.encryption.keyFile or MNEMO_MEMORY_KEY)').action(
    (opts: MemoryOpts, cmd: Command) => {
      const cfg = memoryConfig(cmd, opts);
      requireFile(cfg.path);
      const key = memoryKey(cfg);
      if (!key)
        throw new MnemoError('memory-key-invalid', 'no key to encrypt with', { fix: 'set memory.encryption.keyFile or MNEMO_MEMORY_KEY' });
      report(encryptFile(cfg.path, key), 'encrypted');
    },
  );

  sub('decrypt', 'turn an encrypted memory file back into a plain one').action((opts: MemoryOpts, cmd: Command) => {
    const cfg = memoryConfig(cmd, opts);
    requireFile(cfg.path);
    const key = memoryKey(cfg);
    if (!key)
      throw new MnemoError('memory-key-invalid', 'no key to decrypt with', { fix: 'set memory.encryption.keyFile or MNEMO_MEMORY_KEY' });
    report(decryptFile(cfg.path, key), 'decrypted');
  });
}

function report(r: ReturnType<typeof encryptFile>, what: string): void {
  process.stderr.write(`${what} ${r.path}\n`);
  if (what === 'encrypted') process.stderr.write('  keep memory.encryption.keyFile (or MNEMO_MEMORY_KEY) set from now on\n');
  for (const b of r.untouchedBackups) process.stderr.write(`  note: ${b} was not converted; delete it if it should not stay readable\n`);
}
