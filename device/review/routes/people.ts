import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MnemoError } from '../../../config/errors.js';
import type { Memory, Person, PersonSummary } from '../../../memory/types.js';
import type { ReviewAppDeps } from '../app.js';
import {
  errorBody,
  forgetBody,
  forgetPreview,
  idParams,
  mergeBody,
  peopleQuery,
  personDetail,
  personSummary,
  renameBody,
} from '../schemas.js';

const FORGET_CONFIRM_MS = 2 * 60_000;

export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function withThumbnail(p: PersonSummary): z.infer<typeof personSummary> {
  return { ...p, thumbnail: p.samples > 0 ? `/api/people/${p.id}/thumbnail` : null };
}

export function summaryOf(memory: Memory, person: Person): PersonSummary {
  const encounters = memory.encounters.forPerson(person.id);
  const times = encounters.map((e) => e.endedAt ?? e.startedAt);
  return {
    ...person,
    samples: memory.faces.forPerson(person.id).length,
    encounters: encounters.length,
    notes: memory.notes.forPerson(person.id).length,
    lastSeen: times.length ? Math.max(...times) : null,
  };
}

export function requirePerson(memory: Memory, id: number): Person {
  const person = memory.people.get(id);
  if (!person) throw new MnemoError('memory-not-found', `no person with id ${id}`);
  return person;
}

/** Name matches (accent- and case-insensitive), then people whose notes, places or encounters match. */
function search(memory: Memory, q: string): PersonSummary[] {
  const people = memory.people.list();
  const needle = fold(q.trim());
  if (!needle) return people;
  const ids = new Set(people.filter((p) => fold(p.name).includes(needle)).map((p) => p.id));
  const words = q.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length) {
    try {
      for (const hit of memory.notes.search(words.join(' '), 200)) if (hit.personId !== null) ids.add(hit.personId);
    } catch {
      // A query full-text search cannot parse still gets the name matches.
    }
  }
  return people.filter((p) => ids.has(p.id));
}

export function registerPeopleRoutes(parent: FastifyInstance, deps: ReviewAppDeps): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { memory, bus, clock } = deps;
  const changed = (table: string, action: string, ids: number[]) =>
    bus.emit('memory-changed', { at: clock.monotonic(), table, action, ids });
  const forgetTokens = new Map<string, { personId: number; expiresAt: number }>();

  app.get(
    '/api/people',
    { schema: { summary: 'People, or those matching a search', querystring: peopleQuery, response: { 200: z.array(personSummary) } } },
    async (req) => (req.query.q ? search(memory, req.query.q) : memory.people.list()).map(withThumbnail),
  );

  app.get(
    '/api/people/:id',
    {
      schema: {
        summary: 'A person with face samples, encounters and notes',
        params: idParams,
        response: { 200: personDetail, 404: errorBody },
      },
    },
    async (req) => {
      const person = requirePerson(memory, req.params.id);
      return {
        person: withThumbnail(summaryOf(memory, person)),
        samples: memory.faces.forPerson(person.id).map(({ id, modelId, quality, capturedAt, hasThumbnail }) => ({
          id,
          modelId,
          quality,
          capturedAt,
          hasThumbnail,
        })),
        encounters: memory.encounters.forPerson(person.id),
        notes: memory.notes.forPerson(person.id),
      };
    },
  );

  app.get(
    '/api/people/:id/thumbnail',
    { schema: { summary: 'The face thumbnail (JPEG)', params: idParams, produces: ['image/jpeg'] } },
    async (req, reply) => {
      const jpeg = memory.faces.thumbnail(req.params.id);
      if (!jpeg) return reply.code(404).send({ error: 'not-found', message: 'no thumbnail for this person' });
      return reply.type('image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
    },
  );

  app.patch(
    '/api/people/:id',
    { schema: { summary: 'Rename', params: idParams, body: renameBody, response: { 200: personSummary, 404: errorBody } } },
    async (req) => {
      requirePerson(memory, req.params.id);
      const person = memory.people.rename(req.params.id, req.body.name, 'phone');
      changed('people', 'rename', [person.id]);
      return withThumbnail(summaryOf(memory, person));
    },
  );

  app.post(
    '/api/people/:id/merge',
    {
      schema: {
        summary: 'Merge another person into this one (their faces, encounters and notes move here)',
        params: idParams,
        body: mergeBody,
        response: { 200: personSummary, 400: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const keep = requirePerson(memory, req.params.id);
      requirePerson(memory, req.body.dropId);
      if (keep.id === req.body.dropId) throw new MnemoError('invalid-argument', 'cannot merge a person into themselves');
      const person = memory.people.merge(keep.id, req.body.dropId, 'phone');
      changed('people', 'merge', [person.id, req.body.dropId]);
      return withThumbnail(summaryOf(memory, person));
    },
  );

  app.post(
    '/api/people/:id/forget/preview',
    {
      schema: {
        summary: 'Step 1 of forgetting: what will be deleted, and a token to confirm with',
        params: idParams,
        response: { 200: forgetPreview, 404: errorBody },
      },
    },
    async (req) => {
      const person = requirePerson(memory, req.params.id);
      const now = clock.now();
      for (const [t, v] of forgetTokens) if (v.expiresAt <= now) forgetTokens.delete(t);
      const token = randomBytes(16).toString('base64url');
      const expiresAt = now + FORGET_CONFIRM_MS;
      forgetTokens.set(token, { personId: person.id, expiresAt });
      return { token, expiresAt, person: withThumbnail(summaryOf(memory, person)) };
    },
  );

  app.post(
    '/api/people/:id/forget',
    {
      schema: {
        summary: 'Step 2 of forgetting: delete every trace of this person',
        params: idParams,
        body: forgetBody,
        response: { 200: z.object({ forgotten: z.number() }), 400: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      requirePerson(memory, req.params.id);
      const pending = forgetTokens.get(req.body.token);
      forgetTokens.delete(req.body.token);
      if (!pending || pending.personId !== req.params.id || pending.expiresAt <= clock.now()) {
        throw new MnemoError('invalid-argument', 'this forget is not confirmed (or the confirmation ran out)', {
          fix: 'ask again with POST /api/people/:id/forget/preview and confirm within two minutes',
        });
      }
      memory.people.forget(req.params.id, 'phone');
      changed('people', 'forget', [req.params.id]);
      return { forgotten: req.params.id };
    },
  );
}
