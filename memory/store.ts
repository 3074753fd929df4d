import type { Database } from 'better-sqlite3-multiple-ciphers';
import { type ErrorContext, mapSqliteError } from './errors.js';
import type { Actor } from './types.js';
import type { VectorIndex } from './vectors.js';

/*
 * What every repository shares: the connection, the clock, the vector index and
 * two wrappers. `write` runs its body as one IMMEDIATE transaction (so a multi-row
 * write is all or nothing, and a lock conflict shows at BEGIN rather than halfway)
 * and maps SQLite failures to MnemoErrors; `read` only maps errors.
 */
export class Store {
  constructor(
    readonly db: Database,
    readonly clock: { now(): number },
    readonly index: VectorIndex,
    readonly errors: ErrorContext,
  ) {}

  now(): number {
    return this.clock.now();
  }

  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw mapSqliteError(err, this.errors);
    }
  }

  write<T>(fn: () => T): T {
    try {
      // Nested calls (a repo calling another inside enroll) join the outer transaction.
      if (this.db.inTransaction) return fn();
    } catch (err) {
      throw mapSqliteError(err, this.errors);
    }
    try {
      return this.db.transaction(fn).immediate();
    } catch (err) {
      this.index.invalidate();
      throw mapSqliteError(err, this.errors);
    }
  }

  /** Deletes the text vectors of these memory ids, index entries included (inside a write). */
  removeTextVectors(memoryIds: string[]): void {
    if (memoryIds.length === 0) return;
    const find = this.db.prepare('select id, model_id from text_vectors where memory_id = ?');
    const byModel = new Map<string, number[]>();
    for (const m of memoryIds) {
      for (const r of find.all(m) as Array<{ id: number; model_id: string }>)
        byModel.set(r.model_id, [...(byModel.get(r.model_id) ?? []), r.id]);
    }
    const scrub = this.db.prepare('update text_vectors set vector = zeroblob(length(vector)) where id = ?');
    const del = this.db.prepare('delete from text_vectors where id = ?');
    for (const [model, ids] of byModel) {
      this.index.remove('text', model, ids);
      for (const id of ids) {
        scrub.run(id);
        del.run(id);
      }
    }
  }

  /** One audit row per write: who, what, which rows; never names or text. */
  audit(actor: Actor, action: string, table: string, rowIds: number[]): void {
    this.db
      .prepare('insert into audit (at, actor, action, tbl, row_ids) values (?, ?, ?, ?, ?)')
      .run(this.now(), actor, action, table, JSON.stringify(rowIds));
  }
}

/** The id of the row just inserted, as a number. */
export function lastId(info: { lastInsertRowid: number | bigint }): number {
  return Number(info.lastInsertRowid);
}
