import { z } from 'zod';

/*
 * Request and response shapes of the review API. Fastify validates every body,
 * query and parameter against these (fastify-type-provider-zod) and
 * @fastify/swagger turns them into /api/openapi.json.
 */

export const idParams = z.strictObject({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31),
});

const name = z
  .string()
  .trim()
  .min(1, 'a name cannot be empty')
  .max(100, 'at most 100 characters')
  .refine((s) => !/[\p{Cc}]/u.test(s), 'no control characters');
const noteText = z.string().trim().min(1, 'a note cannot be empty').max(2000, 'at most 2000 characters');

export const errorBody = z.object({
  error: z.string().describe('A stable code, e.g. invalid-request, unpaired, pairing-locked.'),
  message: z.string(),
  fix: z.string().optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const phone = z.object({
  id: z.number(),
  name: z.string(),
  userAgent: z.string(),
  pairedAt: z.number(),
  lastSeenAt: z.number().nullable(),
});

export const pairingStatus = z.object({
  paired: z.boolean(),
  locked: z.boolean(),
  lockedUntil: z.number().nullable(),
  codeActive: z.boolean(),
  codeExpiresAt: z.number().nullable(),
  fingerprint: z.string().describe('SHA-256 of the server certificate; compare with what the browser shows.'),
});

export const pairBody = z.strictObject({
  code: z.string().regex(/^\d{6}$/, 'six digits'),
  name: name.optional().describe('What to call this phone in the list of paired phones.'),
});

export const sessionBody = z.object({
  phone,
  csrfToken: z.string().describe('Send as the X-CSRF-Token header on every POST, PATCH, PUT and DELETE.'),
  fingerprint: z.string(),
});

export const peopleQuery = z.strictObject({
  q: z.string().max(200).optional().describe('Matches names, notes, places and encounter context.'),
});

export const personSummary = z.object({
  id: z.number(),
  name: z.string(),
  pronunciation: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  samples: z.number(),
  encounters: z.number(),
  notes: z.number(),
  lastSeen: z.number().nullable(),
  thumbnail: z.string().nullable().describe('URL of the face thumbnail (paired sessions only).'),
});

export const note = z.object({
  id: z.number(),
  personId: z.number().nullable(),
  text: z.string(),
  utteranceId: z.number().nullable(),
  createdAt: z.number(),
});

export const encounter = z.object({
  id: z.number(),
  personId: z.number(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  place: z.string().nullable(),
  context: z.string().nullable(),
  source: z.enum(['face', 'voice', 'phone']),
});

export const personDetail = z.object({
  person: personSummary,
  samples: z.array(
    z.object({ id: z.number(), modelId: z.string(), quality: z.number(), capturedAt: z.number(), hasThumbnail: z.boolean() }),
  ),
  encounters: z.array(encounter),
  notes: z.array(note),
});

export const renameBody = z.strictObject({ name });
export const mergeBody = z.strictObject({
  dropId: z.number().int().positive().describe('The person merged into this one; it no longer exists afterwards.'),
});
export const forgetPreview = z.object({
  token: z.string().describe('Send back to POST /api/people/:id/forget within two minutes to confirm.'),
  expiresAt: z.number(),
  person: personSummary,
});
export const forgetBody = z.strictObject({ token: z.string().min(1).max(200) });
export const noteBody = z.strictObject({ text: noteText });

export const exportQuery = z.strictObject({
  embeddings: z.enum(['true', 'false']).default('true'),
  thumbnails: z.enum(['true', 'false']).default('true'),
});

export const auditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200) });
export const auditEntry = z.object({
  id: z.number(),
  at: z.number(),
  actor: z.enum(['device', 'voice', 'phone']),
  action: z.string(),
  table: z.string(),
  rowIds: z.array(z.number()),
});

/** The settings the phone may change; each maps onto one config path (settings.ts). */
export const settings = z.strictObject({
  recallCooldownSeconds: z.number().min(0).max(86_400).describe('recall.cooldownSeconds'),
  speechEngine: z.enum(['flite', 'espeak-ng', 'say']).describe('speech.engine'),
  voice: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_+-]+$/, 'letters, digits, _ + - only')
    .nullable()
    .describe('speech.voice; null: the engine default'),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/, 'a language tag such as en or pt-BR')
    .describe('voice.language'),
  captureConversations: z.boolean().describe('capture.conversations'),
});
export const settingsPatch = settings.partial();
export const settingsResponse = z.object({
  settings,
  file: z.string().describe('The config file the settings were written to.'),
  restartNeeded: z.boolean(),
});

export const ok = z.object({ ok: z.literal(true) });
export const revoked = z.object({ revoked: z.number() });
export const pairRequested = z.object({ expiresAt: z.number() });
