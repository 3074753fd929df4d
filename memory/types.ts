/*
 * The contract of the long-term memory: what every other part may ask of it.
 * Times are milliseconds since the epoch from the injected clock. Memory ids used
 * for grounding answers are strings `<kind>:<id>` (`person:3`, `note:12`,
 * `encounter:7`, `sample:40`), so an answer can cite exactly the rows it used.
 */

export type Actor = 'device' | 'voice' | 'phone';
export type EncounterSource = 'face' | 'voice' | 'phone';
export type MemoryId = `${'person' | 'note' | 'encounter' | 'sample' | 'utterance'}:${number}`;

export interface Person {
  id: number;
  name: string;
  pronunciation: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PersonSummary extends Person {
  samples: number;
  encounters: number;
  notes: number;
  lastSeen: number | null;
}

export interface FaceSampleInput {
  modelId: string;
  embedding: Float32Array;
  /** 0..1, higher is better (size, sharpness, frontal pose). */
  quality: number;
  /** A small JPEG of the face for the phone review (only one per person is needed). */
  thumbnail?: Buffer;
  capturedAt?: number;
}

export interface FaceSample {
  id: number;
  personId: number;
  modelId: string;
  dim: number;
  quality: number;
  capturedAt: number;
  hasThumbnail: boolean;
}

export interface NearestHit {
  sampleId: number;
  personId: number;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

export interface Encounter {
  id: number;
  personId: number;
  startedAt: number;
  endedAt: number | null;
  place: string | null;
  context: string | null;
  source: EncounterSource;
}

export interface Note {
  id: number;
  personId: number | null;
  text: string;
  utteranceId: number | null;
  createdAt: number;
}

export interface Utterance {
  id: number;
  text: string;
  at: number;
}

export interface SearchHit {
  memoryId: MemoryId;
  kind: 'note' | 'encounter';
  id: number;
  personId: number | null;
  text: string;
  /** Higher is more relevant (negated bm25). */
  score: number;
}

export interface Profile {
  name: string | null;
  language: string;
  interests: string[];
  domains: string[];
  /** How long answers and whispers should be. */
  length: 'short' | 'normal' | 'detailed';
  /** Extra free-form settings other stages keep with the wearer (e.g. learned phrasings). */
  extra: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: Actor;
  action: string;
  table: string;
  rowIds: number[];
}

export interface MemoryStats {
  people: number;
  faceSamples: number;
  encounters: number;
  notes: number;
  utterances: number;
  fileBytes: number;
  vectorSearch: 'sqlite-vec' | 'brute-force';
  /** RAM held by the in-memory exact vector search (warm models only). */
  vectorRamBytes?: number;
  encrypted: boolean;
}

/** The open JSON export format (`mnemo memory export`), version 1. */
export interface MemoryExport {
  format: 'mnemo-memory';
  version: 1;
  exportedAt: number;
  profile: Profile;
  people: Array<
    Person & {
      samples: Array<Omit<FaceSample, 'personId' | 'hasThumbnail'> & { embedding?: number[]; thumbnail?: string }>;
      encounters: Array<Omit<Encounter, 'personId'>>;
      notes: Array<Omit<Note, 'personId'>>;
    }
  >;
  notes: Note[];
}

export interface PeopleRepo {
  create(name: string, opts?: { pronunciation?: string; actor?: Actor }): Person;
  /** A person with samples and a first encounter, in one transaction. */
  enroll(input: {
    name: string;
    samples: FaceSampleInput[];
    encounter?: { place?: string; context?: string; source: EncounterSource; startedAt?: number };
    note?: string;
    actor?: Actor;
  }): { person: Person; sampleIds: number[]; encounterId: number | null; noteId: number | null };
  rename(id: number, name: string, actor?: Actor): Person;
  /** Moves samples, encounters and notes of `dropId` to `keepId`, then deletes `dropId`. */
  merge(keepId: number, dropId: number, actor?: Actor): Person;
  /** Deletes every trace of a person (see DESIGN.md privacy rules). */
  forget(id: number, actor?: Actor): void;
  list(): PersonSummary[];
  get(id: number): Person | undefined;
  /** Case- and accent-insensitive exact match on the name (or first name when unique). */
  findByName(name: string): Person | undefined;
}

export interface FacesRepo {
  add(personId: number, samples: FaceSampleInput[], actor?: Actor): number[];
  /** Best `k` samples of this model id only; vectors of other models are never compared. */
  nearest(embedding: Float32Array, modelId: string, k: number): NearestHit[];
  forPerson(personId: number): FaceSample[];
  thumbnail(personId: number): Buffer | undefined;
  /** Removes samples (used to keep the most diverse ones per person). */
  remove(sampleIds: number[], actor?: Actor): void;
  embeddings(personId: number, modelId: string): Array<{ sampleId: number; embedding: Float32Array }>;
}

export interface EncountersRepo {
  start(personId: number, opts: { source: EncounterSource; place?: string; context?: string; at?: number; actor?: Actor }): Encounter;
  end(id: number, at?: number): Encounter;
  /** Extend or append context to an encounter (conversation summaries, recalls). */
  update(id: number, patch: { endedAt?: number; place?: string; context?: string }, actor?: Actor): Encounter;
  recent(limit?: number): Encounter[];
  forPerson(personId: number): Encounter[];
  get(id: number): Encounter | undefined;
}

export interface NotesRepo {
  add(input: { personId: number | null; text: string; utteranceId?: number | null; actor?: Actor }): Note;
  edit(id: number, text: string, actor?: Actor): Note;
  remove(id: number, actor?: Actor): void;
  get(id: number): Note | undefined;
  forPerson(personId: number): Note[];
  /** FTS5 over notes, encounter context and place labels. */
  search(query: string, limit?: number): SearchHit[];
}

export interface UtterancesRepo {
  add(text: string, at?: number): Utterance;
  /** Deletes utterances older than the retention; returns how many. */
  prune(now?: number): number;
  recent(limit?: number): Utterance[];
}

export interface ProfileRepo {
  get(): Profile;
  set(patch: Partial<Profile>, actor?: Actor): Profile;
}

export interface AuditRepo {
  list(limit?: number): AuditEntry[];
  record(actor: Actor, action: string, table: string, rowIds: number[]): void;
}

export interface TextVector {
  memoryId: MemoryId;
  similarity: number;
}

/** Sentence embeddings of notes and encounters (personal-model retrieval), one vec0 table per model id. */
export interface TextVectorsRepo {
  upsert(memoryId: MemoryId, modelId: string, vector: Float32Array): void;
  nearest(vector: Float32Array, modelId: string, k: number): TextVector[];
  /** Memory ids that have no vector yet for this model (to back-fill). */
  missing(modelId: string, limit?: number): MemoryId[];
}

export interface Phone {
  id: number;
  name: string;
  userAgent: string;
  pairedAt: number;
  lastSeenAt: number | null;
}

/** Paired phones of the review server; only a hash of each session token is stored. */
export interface PhonesRepo {
  add(input: { name: string; userAgent: string; tokenHash: string }): Phone;
  findByTokenHash(tokenHash: string): Phone | undefined;
  touch(id: number, at?: number): void;
  list(): Phone[];
  revoke(id: number): void;
  revokeAll(): number;
}

export interface Feedback {
  id: number;
  question: string;
  answer: string;
  /** The wearer's correction ("that's wrong, she works on robots"), or null for a confirmed answer. */
  correction: string | null;
  memoryIds: string[];
  at: number;
}

/** Question-answer pairs and corrections, kept for the personal fine-tuning dataset. */
export interface FeedbackRepo {
  add(input: Omit<Feedback, 'id' | 'at'> & { at?: number }): Feedback;
  list(limit?: number): Feedback[];
}

export interface Memory {
  readonly path: string;
  readonly people: PeopleRepo;
  readonly faces: FacesRepo;
  readonly encounters: EncountersRepo;
  readonly notes: NotesRepo;
  readonly utterances: UtterancesRepo;
  readonly profile: ProfileRepo;
  readonly audit: AuditRepo;
  readonly textVectors: TextVectorsRepo;
  readonly phones: PhonesRepo;
  readonly feedback: FeedbackRepo;
  /** Does a cited memory id exist? */
  exists(id: string): boolean;
  export(opts?: { withEmbeddings?: boolean; withThumbnails?: boolean }): MemoryExport;
  import(data: MemoryExport, actor?: Actor): { people: number; notes: number };
  stats(): MemoryStats;
  /** Online backup to a file (better-sqlite3 backup API). */
  backup(file: string): Promise<void>;
  close(): void;
}
