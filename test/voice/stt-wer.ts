import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editDistance } from '../../models/stt/align.js';

/*
 * Word error rate two ways: our Levenshtein count (fast, in process) and NIST
 * sclite from Debian's sctk, the standard scorer, which the test checks ours against.
 */

export const SCLITE = '/usr/lib/sctk/bin/sclite';

export function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Word errors (substitutions + deletions + insertions) and reference length. */
export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const ref = words(reference);
  return { errors: editDistance(ref, words(hypothesis)), words: ref.length };
}

/** sclite's Sum/Avg: error percent and word count over utterances (ids must be unique). */
export function scliteWer(pairs: Array<{ id: string; reference: string; hypothesis: string }>): { errPercent: number; words: number } {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-sclite-'));
  try {
    const trn = (f: 'reference' | 'hypothesis') =>
      pairs.map((p) => `${words(p[f]).join(' ')} (spk_${p.id.replace(/[^A-Za-z0-9]/g, '')})`).join('\n');
    writeFileSync(join(dir, 'ref.trn'), `${trn('reference')}\n`);
    writeFileSync(join(dir, 'hyp.trn'), `${trn('hypothesis')}\n`);
    const out = execFileSync(
      SCLITE,
      ['-r', join(dir, 'ref.trn'), 'trn', '-h', join(dir, 'hyp.trn'), 'trn', '-i', 'spu_id', '-o', 'sum', 'stdout'],
      {
        encoding: 'utf8',
      },
    );
    const sum = out.split('\n').find((l) => l.includes('Sum/Avg')) as string;
    const cells = sum.split('|').map((c) => c.trim());
    const [, nWords] = (cells[2] as string).split(/\s+/).map(Number);
    const err = Number((cells[3] as string).split(/\s+/)[4]);
    return { errPercent: err, words: nWords as number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
