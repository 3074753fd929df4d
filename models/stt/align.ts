/*
 * Word and phone alignment between the grammar pass and the dictation pass of
 * the same audio: their agreement is the grammar result's confidence, and the
 * dictation words under a grammar's free-text stretch replace the loop's guess.
 */

/** Levenshtein alignment: pairs of indexes (a, b), either side -1 for an insertion/deletion. */
export function align<T>(a: T[], b: T[], same: (x: T, y: T) => boolean = (x, y) => x === y): Array<[number, number]> {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (same(a[i - 1] as T, b[j - 1] as T) ? 0 : 1),
      );
    }
  }
  const path: Array<[number, number]> = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 || j > 0) {
    const here = (d[i] as number[])[j] as number;
    if (i > 0 && j > 0 && here === ((d[i - 1] as number[])[j - 1] as number) + (same(a[i - 1] as T, b[j - 1] as T) ? 0 : 1)) {
      path.push([--i, --j]);
    } else if (i > 0 && here === ((d[i - 1] as number[])[j] as number) + 1) path.push([--i, -1]);
    else path.push([-1, --j]);
  }
  return path.reverse();
}

export function editDistance<T>(a: T[], b: T[]): number {
  return align(a, b).filter(([i, j]) => i < 0 || j < 0 || a[i] !== b[j]).length;
}

/** 1 - edit distance / longer length: 1 for identical sequences, 0 for nothing in common. */
export function similarity<T>(a: T[], b: T[]): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - editDistance(a, b) / n;
}

/**
 * The grammar hypothesis with each run of free-text words (`isText`) replaced by
 * the dictation words aligned to it (`isText`: indexes of free-text words); when dictation has nothing there, the
 * grammar's own guess stays.
 */
export function spliceText(grammarWords: string[], dictationWords: string[], isText: Set<number>): string[] {
  const path = align(grammarWords, dictationWords);
  const out: string[] = [];
  let run: { own: string[]; dict: string[] } | undefined;
  const flush = () => {
    if (run) out.push(...(run.dict.length ? run.dict : run.own));
    run = undefined;
  };
  for (const [i, j] of path) {
    const g = i >= 0 ? (grammarWords[i] as string) : undefined;
    if (g !== undefined && isText.has(i)) {
      run ??= { own: [], dict: [] };
      run.own.push(g);
      if (j >= 0) run.dict.push(dictationWords[j] as string);
    } else if (g === undefined) {
      // A dictation word with no grammar counterpart: part of a text run if one is open.
      if (run && j >= 0) run.dict.push(dictationWords[j] as string);
    } else {
      flush();
      out.push(g);
    }
  }
  flush();
  return out;
}

/**
 * How well dictation agrees with the grammar's fixed words (not its free text,
 * which dictation replaces anyway): the phones of those words against the phones
 * of the dictation words aligned to them. Dictation words inserted next to a
 * free-text word belong to the text; elsewhere they count against the grammar.
 */
export function fixedAgreement(
  grammarWords: string[],
  dictationWords: string[],
  isText: Set<number>,
  phones: (ws: string[]) => string[],
): number {
  const path = align(grammarWords, dictationWords);
  const fixed: string[] = [];
  const heard: string[] = [];
  path.forEach(([i, j], k) => {
    if (i >= 0 && isText.has(i)) return;
    if (i < 0) {
      const prev = path
        .slice(0, k)
        .reverse()
        .find(([x]) => x >= 0)?.[0];
      const next = path.slice(k + 1).find(([x]) => x >= 0)?.[0];
      if ((prev !== undefined && isText.has(prev)) || (next !== undefined && isText.has(next))) return;
    } else fixed.push(grammarWords[i] as string);
    if (j >= 0) heard.push(dictationWords[j] as string);
  });
  return similarity(phones(fixed), phones(heard));
}

/** Length of the longest common subsequence. */
export function lcs<T>(a: T[], b: T[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] as number) + 1 : Math.max(prev[j] as number, row[j - 1] as number);
    }
    prev = row;
  }
  return prev[b.length] as number;
}
