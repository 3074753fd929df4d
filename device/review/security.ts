import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isMnemoError, type MnemoErrorCode } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Phone } from '../../memory/types.js';
import { csrfTokenFor, type PairingService } from './pairing.js';

const log = logger('mnemo:review');

export const SESSION_COOKIE = 'mnemo_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a paired session (the pairing page and its two requests). */
    public?: boolean;
  }
  interface FastifyRequest {
    phone?: Phone;
    sessionToken?: string;
  }
}

/** Nothing is loaded from anywhere but this server; no inline script or style at all. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'strict-transport-security': 'max-age=31536000',
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const STATUS: Partial<Record<MnemoErrorCode, number>> = {
  'invalid-argument': 400,
  'config-invalid': 400,
  'memory-not-found': 404,
  'pairing-code-wrong': 401,
  'pairing-code-expired': 410,
  'pairing-locked': 423,
};

function deny(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, message });
}

/** Same-origin only: a browser always sends Origin on unsafe requests, and it must name this host. */
function originMatches(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Security headers on every response; on /api/* a paired session (the HttpOnly cookie,
 * checked against the stored hash) and, for unsafe methods, the CSRF header derived
 * from that session. Public routes still need the header on unsafe methods: a custom
 * header cannot be sent cross-origin without a CORS preflight, which this server never grants.
 */
export function registerSecurity(app: FastifyInstance, pairing: PairingService): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (req.url.startsWith('/api/') || req.url === '/api') reply.header('cache-control', 'no-store');
  });

  // preParsing, not onRequest: the rate limiter's per-route onRequest hook must count a request
  // before it is refused here, or unpaired floods would never be limited. Still before the body is read.
  app.addHook('preParsing', async (req, reply, payload) => {
    const refused = check(req, reply);
    return refused ?? payload;
  });

  function check(req: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    if (!req.url.startsWith('/api/') && req.url !== '/api') return;
    const unsafe = UNSAFE.has(req.method);
    if (unsafe && !originMatches(req)) return deny(reply, 403, 'cross-origin', 'requests must come from this page');
    const headerToken = req.headers[CSRF_HEADER];
    if (req.routeOptions.config?.public) {
      if (unsafe && (typeof headerToken !== 'string' || headerToken.length === 0)) {
        return deny(reply, 403, 'csrf', `missing ${CSRF_HEADER} header`);
      }
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    const phone = pairing.authenticate(token);
    if (!phone || !token) return deny(reply, 401, 'unpaired', 'pair this phone first');
    if (unsafe && headerToken !== csrfTokenFor(token)) return deny(reply, 403, 'csrf', `missing or wrong ${CSRF_HEADER} header`);
    req.phone = phone;
    req.sessionToken = token;
  }

  app.setErrorHandler((err: FastifyError, req, reply) => {
    reply.header('cache-control', 'no-store');
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const issues = err.validation.map((v) => ({
        path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      return reply.code(400).send({
        error: 'invalid-request',
        message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
      });
    }
    if (isMnemoError(err)) {
      const status = STATUS[err.code] ?? 500;
      if (status >= 500) log.error({ code: err.code, route: req.routeOptions.url }, 'review request failed');
      return reply.code(status).send({ error: err.code, message: err.message, fix: err.fix, details: err.details });
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      log.error({ route: req.routeOptions.url, errorType: err.name, code: err.code }, 'review request failed');
      log.debug({ err }, 'review failure detail');
      return reply.code(500).send({ error: 'internal', message: 'something went wrong on the device' });
    }
    return reply.code(status).send({ error: (err.code ?? 'bad-request').toLowerCase(), message: err.message });
  });

  app.setNotFoundHandler((_req, reply) => deny(reply, 404, 'not-found', 'no such page'));
}
