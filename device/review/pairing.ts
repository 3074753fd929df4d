import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Actor, Memory, Phone } from '../../memory/types.js';
import type { EventBus } from '../bus.js';
import type { Clock, PhonePairing, WhisperSink } from '../contracts.js';

export const CODE_TTL_MS = 2 * 60_000;
export const MAX_WRONG_CODES = 5;
export const LOCK_MS = 10 * 60_000;
/** lastSeenAt is written at most this often per phone, so browsing does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

const log = logger('mnemo:review');

export interface PairingDeps {
  memory: Memory;
  bus: EventBus;
  clock: Clock;
  /** Speaks the code into the wearer's ear; absent in tests that read the `pairing-code` event. */
  whisper?: WhisperSink;
  fingerprint: () => string;
  sessionDays: number;
}

export interface PairingStatus {
  locked: boolean;
  lockedUntil: number | null;
  codeActive: boolean;
  codeExpiresAt: number | null;
}

export interface PairedSession {
  phone: Phone;
  /** The secret for the HttpOnly cookie; only its hash is stored. */
  token: string;
  csrfToken: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The CSRF token is derived from the session secret, so it needs no storage and is useless without the cookie. */
export function csrfTokenFor(token: string): string {
  return createHash('sha256').update('mnemo-csrf\0').update(token).digest('base64url');
}

/** What is spoken into the ear: digits one by one, in two groups, so they are easy to type. */
export function pairingCodeSpeech(code: string): string {
  const d = code.split('');
  return `Your phone pairing code is ${d.slice(0, 3).join(' ')}, ${d.slice(3).join(' ')}. It is valid for two minutes.`;
}

/** The first 8 bytes of the fingerprint, letter by letter: enough to compare with the browser's, short enough to hear. */
export function fingerprintSpeech(fingerprint: string): string {
  const pairs = fingerprint.split(':').slice(0, 8);
  return `The certificate fingerprint starts with ${pairs.map((p) => p.split('').join(' ')).join(', ')}.`;
}

/**
 * The pairing state machine: one 6-digit code at a time, valid 2 minutes and one use;
 * five wrong codes in a row lock pairing for ten minutes. Every attempt is audited
 * (the audit row carries the outcome, never the code).
 */
export class PairingService implements PhonePairing {
  private code: { value: string; expiresAt: number } | null = null;
  private wrong = 0;
  private lockedUntil: number | null = null;

  constructor(private readonly deps: PairingDeps) {}

  fingerprint(): string {
    return this.deps.fingerprint();
  }

  status(): PairingStatus {
    const now = this.deps.clock.now();
    const locked = this.isLocked(now);
    const active = this.code !== null && this.code.expiresAt > now;
    return {
      locked,
      lockedUntil: locked ? this.lockedUntil : null,
      codeActive: active,
      codeExpiresAt: active ? (this.code?.expiresAt ?? null) : null,
    };
  }

  /** A new code replaces any earlier one. The caller speaks it (see requestPairing for the version that does). */
  startPairing(actor: Actor = 'voice'): { code: string; expiresAt: number } {
    const now = this.deps.clock.now();
    this.ensureUnlocked(now, actor, 'pairing-start-locked');
    const value = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = now + CODE_TTL_MS;
    this.code = { value, expiresAt };
    this.deps.memory.audit.record(actor, 'pairing-started', 'phones', []);
    this.deps.bus.emit('pairing-code', { at: this.deps.clock.monotonic(), code: value, expiresAt });
    log.info({ actor, expiresAt }, 'pairing window opened');
    return { code: value, expiresAt };
  }

  /** Starts pairing and speaks the code (the phone's "send a code" button, a long press). */
  async requestPairing(actor: Actor): Promise<{ expiresAt: number }> {
    const { code, expiresAt } = this.startPairing(actor);
    if (this.deps.whisper) {
      // Not awaited to completion by callers that answer HTTP: speaking takes seconds.
      void this.deps.whisper.say({ text: pairingCodeSpeech(code), priority: 'system' }).catch((err: unknown) => {
        log.warn({ errorType: (err as Error)?.name }, 'could not speak the pairing code');
      });
    } else {
      log.warn('no whisper sink: the pairing code is only on the bus');
    }
    return { expiresAt };
  }

  /** Speaks the start of the certificate fingerprint (the pairing page's "say it in my glasses"). */
  speakFingerprint(actor: Actor): void {
    this.deps.memory.audit.record(actor, 'fingerprint-spoken', 'phones', []);
    if (!this.deps.whisper) return;
    void this.deps.whisper.say({ text: fingerprintSpeech(this.fingerprint()), priority: 'system' }).catch((err: unknown) => {
      log.warn({ errorType: (err as Error)?.name }, 'could not speak the fingerprint');
    });
  }

  /** Checks a typed code; on success records the phone and returns its new session. */
  pair(typed: string, phone: { name: string; userAgent: string }): PairedSession {
    const now = this.deps.clock.now();
    const audit = (action: string, ids: number[] = []) => this.deps.memory.audit.record('phone', action, 'phones', ids);
    this.ensureUnlocked(now, 'phone', 'pairing-attempt-locked');
    const current = this.code;
    if (current && sameCode(typed, current.value)) {
      this.code = null; // one use, whether or not it was still valid
      if (current.expiresAt <= now) {
        audit('pairing-attempt-expired');
        throw new MnemoError('pairing-code-expired', 'that code has expired', {
          fix: 'ask for a new code ("pair my phone" or the button on this page)',
        });
      }
      const token = randomBytes(32).toString('base64url');
      const added = this.deps.memory.phones.add({ name: phone.name, userAgent: phone.userAgent, tokenHash: hashToken(token) });
      this.wrong = 0;
      audit('pairing-attempt-ok', [added.id]);
      this.deps.bus.emit('phone-paired', { at: this.deps.clock.monotonic(), phoneId: added.id });
      log.info({ phoneId: added.id }, 'phone paired');
      return { phone: added, token, csrfToken: csrfTokenFor(token) };
    }
    this.wrong++;
    if (this.wrong >= MAX_WRONG_CODES) {
      this.lockedUntil = now + LOCK_MS;
      this.code = null;
      this.wrong = 0;
      audit('pairing-attempt-wrong-locked');
      log.warn({ lockedUntil: this.lockedUntil }, 'pairing locked after too many wrong codes');
      throw this.lockedError(now);
    }
    audit('pairing-attempt-wrong');
    throw new MnemoError('pairing-code-wrong', 'that code is not right', {
      details: { attemptsLeft: MAX_WRONG_CODES - this.wrong },
      fix: 'type the 6 digits you heard; ask for a new code if you missed it',
    });
  }

  /** The phone behind a session cookie, if it is paired and the session has not run out. */
  authenticate(token: string | undefined): Phone | undefined {
    if (!token || token.length > 200) return undefined;
    const phone = this.deps.memory.phones.findByTokenHash(hashToken(token));
    if (!phone) return undefined;
    const now = this.deps.clock.now();
    if (now - phone.pairedAt > this.deps.sessionDays * 86_400_000) return undefined;
    if (phone.lastSeenAt === null || now - phone.lastSeenAt > TOUCH_EVERY_MS) this.deps.memory.phones.touch(phone.id, now);
    return phone;
  }

  revoke(id: number, actor: Actor = 'phone'): void {
    this.deps.memory.phones.revoke(id);
    this.deps.memory.audit.record(actor, 'phone-revoked', 'phones', [id]);
  }

  revokeAll(actor: Actor = 'voice'): number {
    const n = this.deps.memory.phones.revokeAll();
    this.deps.memory.audit.record(actor, 'phones-revoked-all', 'phones', []);
    log.info({ phones: n }, 'unpaired all phones');
    return n;
  }

  private isLocked(now: number): boolean {
    if (this.lockedUntil !== null && this.lockedUntil <= now) this.lockedUntil = null;
    return this.lockedUntil !== null;
  }

  private ensureUnlocked(now: number, actor: Actor, action: string): void {
    if (!this.isLocked(now)) return;
    this.deps.memory.audit.record(actor, action, 'phones', []);
    throw this.lockedError(now);
  }

  private lockedError(now: number): MnemoError {
    const until = this.lockedUntil ?? now;
    const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
    return new MnemoError(
      'pairing-locked',
      `pairing is locked for ${minutes} more minute${minutes === 1 ? '' : 's'} after too many wrong codes`,
      {
        details: { lockedUntil: until },
        fix: 'wait, then ask for a new code',
      },
    );
  }
}

function sameCode(typed: string, expected: string): boolean {
  const a = Buffer.from(typed);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
