import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReviewAppDeps } from '../app.js';
import { csrfTokenFor } from '../pairing.js';
import { errorBody, idParams, ok, pairBody, pairingStatus, pairRequested, phone, revoked, sessionBody } from '../schemas.js';
import { SESSION_COOKIE } from '../security.js';

/** A readable default name for a phone from its user agent ("Android phone", "iPhone"). */
export function phoneNameFrom(userAgent: string): string {
  if (/iPhone/.test(userAgent)) return 'iPhone';
  if (/iPad/.test(userAgent)) return 'iPad';
  if (/Android/.test(userAgent)) return 'Android phone';
  if (/HeadlessChrome|Chrome/.test(userAgent)) return 'Chrome browser';
  if (/Firefox/.test(userAgent)) return 'Firefox browser';
  return 'phone';
}

export function registerPairingRoutes(parent: FastifyInstance, deps: ReviewAppDeps): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { pairing, config } = deps;
  const pairingLimit = { max: config.review.pairingRateLimitPerMinute, timeWindow: 60_000 };

  app.get(
    '/api/pairing',
    {
      config: { public: true },
      schema: { summary: 'Pairing state: locked?, a code waiting?, the certificate fingerprint', response: { 200: pairingStatus } },
    },
    async (req) => ({
      ...pairing.status(),
      paired: pairing.authenticate(req.cookies[SESSION_COOKIE]) !== undefined,
      fingerprint: pairing.fingerprint(),
    }),
  );

  app.post(
    '/api/pairing/request',
    {
      config: { public: true, rateLimit: pairingLimit },
      schema: {
        summary: 'Speak a new 6-digit code into the glasses (valid 2 minutes, one use)',
        response: { 202: pairRequested, 423: errorBody },
      },
    },
    async (_req, reply) => reply.code(202).send(await pairing.requestPairing('phone')),
  );

  app.post(
    '/api/pairing/fingerprint',
    {
      config: { public: true, rateLimit: pairingLimit },
      schema: { summary: 'Speak the start of the certificate fingerprint into the glasses', response: { 202: ok } },
    },
    async (_req, reply) => {
      pairing.speakFingerprint('phone');
      return reply.code(202).send({ ok: true as const });
    },
  );

  app.post(
    '/api/pairing',
    {
      config: { public: true, rateLimit: pairingLimit },
      schema: {
        summary: 'Pair this phone with the code heard in the glasses; sets the session cookie',
        body: pairBody,
        response: { 200: sessionBody, 401: errorBody, 410: errorBody, 423: errorBody },
      },
    },
    async (req, reply) => {
      const userAgent = String(req.headers['user-agent'] ?? '').slice(0, 300);
      const session = pairing.pair(req.body.code, { name: req.body.name ?? phoneNameFrom(userAgent), userAgent });
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
        maxAge: config.review.sessionDays * 86_400,
      });
      return { phone: session.phone, csrfToken: session.csrfToken, fingerprint: pairing.fingerprint() };
    },
  );

  app.get('/api/session', { schema: { summary: 'This phone and its CSRF token', response: { 200: sessionBody } } }, async (req) => ({
    phone: req.phone as z.infer<typeof phone>,
    csrfToken: csrfTokenFor(req.sessionToken as string),
    fingerprint: pairing.fingerprint(),
  }));

  app.post('/api/session/logout', { schema: { summary: 'Unpair this phone', response: { 200: ok } } }, async (req, reply) => {
    pairing.revoke((req.phone as { id: number }).id);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
    return { ok: true as const };
  });

  app.get('/api/phones', { schema: { summary: 'Paired phones', response: { 200: z.array(phone) } } }, async () =>
    deps.memory.phones.list(),
  );

  app.delete(
    '/api/phones/:id',
    { schema: { summary: 'Unpair one phone', params: idParams, response: { 200: ok, 404: errorBody } } },
    async (req, reply) => {
      if (!deps.memory.phones.list().some((p) => p.id === req.params.id)) {
        return reply.code(404).send({ error: 'not-found', message: 'no such phone' });
      }
      pairing.revoke(req.params.id);
      return { ok: true as const };
    },
  );

  app.post('/api/phones/revoke-all', { schema: { summary: 'Unpair every phone, this one too', response: { 200: revoked } } }, async () => ({
    revoked: pairing.revokeAll('phone'),
  }));
}
