import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../../config/schema.js';
import type { Memory } from '../../memory/types.js';
import type { EventBus } from '../bus.js';
import type { Clock } from '../contracts.js';
import type { PairingService } from './pairing.js';
import { registerDataRoutes } from './routes/data.js';
import { registerNotesRoutes } from './routes/notes.js';
import { registerPairingRoutes } from './routes/pairing.js';
import { registerPeopleRoutes } from './routes/people.js';
import { registerSecurity } from './security.js';
import { SettingsFile } from './settings.js';

export interface ReviewAppDeps {
  config: Config;
  memory: Memory;
  bus: EventBus;
  clock: Clock;
  pairing: PairingService;
  /** The wearer's config file the settings page writes. */
  configFile: string;
  /** The built web app (web-build.ts); without it only the API is served. */
  webDir?: string;
  https?: { key: string; cert: string };
}

export interface ReviewRoute {
  method: string;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its method, for the "unpaired is refused everywhere" test and the fuzzer. */
    reviewRoutes: ReviewRoute[];
  }
}

/** The Fastify app of the review server, without listening (tests use `inject`). */
export async function buildReviewApp(deps: ReviewAppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: false, // URLs and queries can carry names: request logging would leak private content
    bodyLimit: config.review.bodyLimitBytes,
    routerOptions: { maxParamLength: 100 },
    return503OnClosing: true,
    ...(deps.https ? { https: { key: deps.https.key, cert: deps.https.cert, minVersion: 'TLSv1.2' as const } } : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes: ReviewRoute[] = [];
  app.decorate('reviewRoutes', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'HEAD' || r.url.startsWith('/*') || r.url === '/') continue;
      routes.push({ method, url: r.url, public: r.config?.public === true });
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: true,
    max: config.review.rateLimitPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: ctx.statusCode,
      error: 'rate-limited',
      message: `too many requests; try again in ${ctx.after}`,
    }),
  });
  registerSecurity(app, deps.pairing);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mnemo phone review',
        version: '1',
        description: 'Review and correct what mnemo remembers. Every route needs a paired session.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mnemo_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
  });

  const settings = new SettingsFile(deps.configFile, config);
  registerPairingRoutes(app, deps);
  registerPeopleRoutes(app, deps);
  registerNotesRoutes(app, deps);
  registerDataRoutes(app, { ...deps, settings });

  if (deps.webDir) {
    await app.register(fastifyStatic, {
      root: deps.webDir,
      prefix: '/',
      index: ['index.html'],
      dotfiles: 'deny',
      // The app shell is tiny and changes with every build; no stale copies on the phone.
      cacheControl: false,
      etag: true,
      setHeaders: (reply) => reply.header('cache-control', 'no-cache'),
    });
  }
  await app.ready();
  return app;
}
