import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MnemoError } from '../../../config/errors.js';
import type { ReviewAppDeps } from '../app.js';
import { errorBody, idParams, note, noteBody, ok } from '../schemas.js';
import { requirePerson } from './people.js';

export function registerNotesRoutes(parent: FastifyInstance, deps: ReviewAppDeps): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { memory, bus, clock } = deps;
  const changed = (action: string, ids: number[]) => bus.emit('memory-changed', { at: clock.monotonic(), table: 'notes', action, ids });
  const requireNote = (id: number) => {
    const n = memory.notes.get(id);
    if (!n) throw new MnemoError('memory-not-found', `no note with id ${id}`);
    return n;
  };

  app.post(
    '/api/people/:id/notes',
    { schema: { summary: 'Add a note about a person', params: idParams, body: noteBody, response: { 201: note, 404: errorBody } } },
    async (req, reply) => {
      requirePerson(memory, req.params.id);
      const added = memory.notes.add({ personId: req.params.id, text: req.body.text, actor: 'phone' });
      changed('add', [added.id]);
      return reply.code(201).send(added);
    },
  );

  app.patch(
    '/api/notes/:id',
    { schema: { summary: 'Edit a note', params: idParams, body: noteBody, response: { 200: note, 404: errorBody } } },
    async (req) => {
      requireNote(req.params.id);
      const edited = memory.notes.edit(req.params.id, req.body.text, 'phone');
      changed('edit', [edited.id]);
      return edited;
    },
  );

  app.delete(
    '/api/notes/:id',
    { schema: { summary: 'Delete a note', params: idParams, response: { 200: ok, 404: errorBody } } },
    async (req) => {
      requireNote(req.params.id);
      memory.notes.remove(req.params.id, 'phone');
      changed('remove', [req.params.id]);
      return { ok: true as const };
    },
  );
}
