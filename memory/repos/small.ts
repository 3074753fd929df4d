import { MnemoError } from '../../config/errors.js';
import { lastId, type Store } from '../store.js';
import type {
  Actor,
  AuditEntry,
  AuditRepo,
  Feedback,
  FeedbackRepo,
  Phone,
  PhonesRepo,
  Profile,
  ProfileRepo,
  Utterance,
  UtterancesRepo,
} from '../types.js';

/* The small repositories: utterances, profile, audit, paired phones, feedback. */

const DAY_MS = 86_400_000;

export class UtterancesStore implements UtterancesRepo {
  constructor(
    private readonly s: Store,
    private readonly retentionDays: number,
  ) {}

  add(text: string, at?: number): Utterance {
    return this.s.write(() => {
      const when = at ?? this.s.now();
      const id = lastId(this.s.db.prepare('insert into utterances (text, at) values (?, ?)').run(text, when));
      this.s.audit('voice', 'add', 'utterances', [id]);
      return { id, text, at: when };
    });
  }

  prune(now?: number): number {
    const cutoff = (now ?? this.s.now()) - this.retentionDays * DAY_MS;
    return this.s.write(() => {
      const ids = this.s.db.prepare('select id from utterances where at < ?').pluck().all(cutoff) as number[];
      if (ids.length === 0) return 0;
      this.s.removeTextVectors(ids.map((id) => `utterance:${id}`));
      // Blank the text first so freed-but-unscrubbed pages cannot keep it either.
      this.s.db.prepare("update utterances set text = '' where at < ?").run(cutoff);
      this.s.db.prepare('delete from utterances where at < ?').run(cutoff);
      this.s.audit('device', 'prune', 'utterances', ids);
      return ids.length;
    });
  }

  recent(limit = 20): Utterance[] {
    return this.s.read(
      () => this.s.db.prepare('select id, text, at from utterances order by at desc, id desc limit ?').all(limit) as Utterance[],
    );
  }
}

export const DEFAULT_PROFILE: Profile = { name: null, language: 'en', interests: [], domains: [], length: 'normal', extra: {} };

export class ProfileStore implements ProfileRepo {
  constructor(private readonly s: Store) {}

  get(): Profile {
    return this.s.read(() => {
      const data = this.s.db.prepare('select data from profile where id = 1').pluck().get() as string | undefined;
      return structuredClone({ ...DEFAULT_PROFILE, ...(data ? (JSON.parse(data) as Partial<Profile>) : {}) });
    });
  }

  set(patch: Partial<Profile>, actor: Actor = 'device'): Profile {
    if (patch.length !== undefined && !['short', 'normal', 'detailed'].includes(patch.length)) {
      throw new MnemoError('invalid-argument', 'profile length must be short, normal or detailed');
    }
    return this.s.write(() => {
      const next = { ...this.get(), ...patch };
      this.s.db
        .prepare('insert into profile (id, data) values (1, ?) on conflict (id) do update set data = excluded.data')
        .run(JSON.stringify(next));
      this.s.audit(actor, 'set', 'profile', [1]);
      return next;
    });
  }
}

export class AuditStore implements AuditRepo {
  constructor(private readonly s: Store) {}

  list(limit = 100): AuditEntry[] {
    return this.s.read(() =>
      (
        this.s.db.prepare('select * from audit order by id desc limit ?').all(limit) as Array<{
          id: number;
          at: number;
          actor: Actor;
          action: string;
          tbl: string;
          row_ids: string;
        }>
      ).map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, table: r.tbl, rowIds: JSON.parse(r.row_ids) as number[] })),
    );
  }

  record(actor: Actor, action: string, table: string, rowIds: number[]): void {
    this.s.write(() => this.s.audit(actor, action, table, rowIds));
  }
}

interface PhoneRow {
  id: number;
  name: string;
  user_agent: string;
  paired_at: number;
  last_seen_at: number | null;
}

const toPhone = (r: PhoneRow): Phone => ({
  id: r.id,
  name: r.name,
  userAgent: r.user_agent,
  pairedAt: r.paired_at,
  lastSeenAt: r.last_seen_at,
});

export class PhonesStore implements PhonesRepo {
  constructor(private readonly s: Store) {}

  add(input: { name: string; userAgent: string; tokenHash: string }): Phone {
    return this.s.write(() => {
      const id = lastId(
        this.s.db
          .prepare('insert into phones (name, user_agent, token_hash, paired_at) values (?, ?, ?, ?)')
          .run(input.name, input.userAgent, input.tokenHash, this.s.now()),
      );
      this.s.audit('phone', 'pair', 'phones', [id]);
      return toPhone(this.s.db.prepare('select * from phones where id = ?').get(id) as PhoneRow);
    });
  }

  findByTokenHash(tokenHash: string): Phone | undefined {
    return this.s.read(() => {
      const r = this.s.db.prepare('select * from phones where token_hash = ?').get(tokenHash) as PhoneRow | undefined;
      return r && toPhone(r);
    });
  }

  /** Not audited: it happens on every request of a paired phone. */
  touch(id: number, at?: number): void {
    this.s.write(() => this.s.db.prepare('update phones set last_seen_at = ? where id = ?').run(at ?? this.s.now(), id));
  }

  list(): Phone[] {
    return this.s.read(() => (this.s.db.prepare('select * from phones order by id').all() as PhoneRow[]).map(toPhone));
  }

  revoke(id: number): void {
    this.s.write(() => {
      this.s.db.prepare('delete from phones where id = ?').run(id);
      this.s.audit('device', 'revoke', 'phones', [id]);
    });
  }

  revokeAll(): number {
    return this.s.write(() => {
      const ids = this.s.db.prepare('select id from phones').pluck().all() as number[];
      this.s.db.prepare('delete from phones').run();
      if (ids.length) this.s.audit('device', 'revoke', 'phones', ids);
      return ids.length;
    });
  }
}

interface FeedbackRow {
  id: number;
  question: string;
  answer: string;
  correction: string | null;
  memory_ids: string;
  at: number;
}

const toFeedback = (r: FeedbackRow): Feedback => ({
  id: r.id,
  question: r.question,
  answer: r.answer,
  correction: r.correction,
  memoryIds: JSON.parse(r.memory_ids) as string[],
  at: r.at,
});

export class FeedbackStore implements FeedbackRepo {
  constructor(private readonly s: Store) {}

  add(input: Omit<Feedback, 'id' | 'at'> & { at?: number }): Feedback {
    return this.s.write(() => {
      const id = lastId(
        this.s.db
          .prepare('insert into feedback (question, answer, correction, memory_ids, at) values (?, ?, ?, ?, ?)')
          .run(input.question, input.answer, input.correction, JSON.stringify(input.memoryIds), input.at ?? this.s.now()),
      );
      this.s.audit('voice', 'add', 'feedback', [id]);
      return toFeedback(this.s.db.prepare('select * from feedback where id = ?').get(id) as FeedbackRow);
    });
  }

  list(limit = 100): Feedback[] {
    return this.s.read(() =>
      (this.s.db.prepare('select * from feedback order by id desc limit ?').all(limit) as FeedbackRow[]).map(toFeedback),
    );
  }
}
