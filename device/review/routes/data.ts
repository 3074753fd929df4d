import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReviewAppDeps } from '../app.js';
import { auditEntry, auditQuery, errorBody, exportQuery, settingsPatch, settingsResponse } from '../schemas.js';
import type { SettingsFile } from '../settings.js';

export function registerDataRoutes(parent: FastifyInstance, deps: ReviewAppDeps & { settings: SettingsFile }): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { memory, settings, bus, clock } = deps;

  app.get(
    '/api/export',
    {
      schema: {
        summary: 'Everything mnemo remembers, as one JSON file (format mnemo-memory, version 1)',
        querystring: exportQuery,
        produces: ['application/json'],
      },
    },
    async (req, reply) => {
      const data = memory.export({ withEmbeddings: req.query.embeddings === 'true', withThumbnails: req.query.thumbnails === 'true' });
      memory.audit.record('phone', 'export', 'people', []);
      const day = new Date(data.exportedAt).toISOString().slice(0, 10);
      // Sent as a string: the export is already in its documented format and can be large.
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="mnemo-export-${day}.json"`)
        .send(JSON.stringify(data));
    },
  );

  app.get(
    '/api/audit',
    { schema: { summary: 'Who changed what, newest first', querystring: auditQuery, response: { 200: z.array(auditEntry) } } },
    async (req) => memory.audit.list(req.query.limit),
  );

  app.get('/api/settings', { schema: { summary: 'The settings the phone can change', response: { 200: settingsResponse } } }, async () => ({
    settings: settings.read(),
    file: settings.file,
    restartNeeded: false,
  }));

  app.patch(
    '/api/settings',
    {
      schema: {
        summary: 'Change settings; validated with the config schema and written to the config file',
        body: settingsPatch.refine((p) => Object.keys(p).length > 0, 'change at least one setting'),
        response: { 200: settingsResponse, 400: errorBody },
      },
    },
    async (req) => {
      const { settings: now, changed } = settings.write(req.body);
      memory.audit.record('phone', 'settings-changed', 'config', []);
      bus.emit('settings-changed', { at: clock.monotonic(), paths: changed });
      // Stages read most settings when they start; the running config object is updated too.
      return { settings: now, file: settings.file, restartNeeded: true };
    },
  );

  app.get(
    '/api/openapi.json',
    { schema: { summary: 'This API as OpenAPI 3.1', response: { 200: z.record(z.string(), z.unknown()), 401: errorBody } } },
    async () => parent.swagger() as unknown as Record<string, unknown>,
  );
}
