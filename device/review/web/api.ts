/// <reference lib="dom" />

/** Shapes the server sends (see /api/openapi.json). */
export interface PersonSummary {
  id: number;
  name: string;
  pronunciation: string | null;
  createdAt: number;
  updatedAt: number;
  samples: number;
  encounters: number;
  notes: number;
  lastSeen: number | null;
  thumbnail: string | null;
}
export interface Note {
  id: number;
  personId: number | null;
  text: string;
  createdAt: number;
}
export interface Encounter {
  id: number;
  startedAt: number;
  endedAt: number | null;
  place: string | null;
  context: string | null;
  source: 'face' | 'voice' | 'phone';
}
export interface PersonDetail {
  person: PersonSummary;
  samples: Array<{ id: number; modelId: string; quality: number; capturedAt: number; hasThumbnail: boolean }>;
  encounters: Encounter[];
  notes: Note[];
}
export interface Phone {
  id: number;
  name: string;
  userAgent: string;
  pairedAt: number;
  lastSeenAt: number | null;
}
export interface Session {
  phone: Phone;
  csrfToken: string;
  fingerprint: string;
}
export interface PairingStatus {
  paired: boolean;
  locked: boolean;
  lockedUntil: number | null;
  codeActive: boolean;
  codeExpiresAt: number | null;
  fingerprint: string;
}
export interface Settings {
  recallCooldownSeconds: number;
  speechEngine: 'flite' | 'espeak-ng' | 'say';
  voice: string | null;
  language: string;
  captureConversations: boolean;
}
export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  table: string;
  rowIds: number[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

export function setCsrf(token: string): void {
  csrfToken = token;
}

/** JSON over same-origin fetch; unsafe methods carry the CSRF header (a placeholder before pairing). */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken || 'pairing';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok) throw new ApiError(res.status, data.error ?? 'error', data.message ?? res.statusText);
  return data as T;
}
