import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MnemoError } from '../../config/errors.js';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { Memory } from '../../memory/types.js';
import type { EventBus } from '../bus.js';
import { type Clock, type PhonePairing, systemClock, type WhisperSink } from '../contracts.js';
import type { Part } from '../controller.js';
import { buildReviewApp } from './app.js';
import { ensureCertificate } from './cert.js';
import { PairingService } from './pairing.js';
import { ensureWebBuilt } from './web-build.js';

const log = logger('mnemo:review');

export interface ReviewServerDeps {
  config: Config;
  memory: Memory;
  bus: EventBus;
  /** Speaks pairing codes; without it the code is only on the bus (`pairing-code`). */
  whisper?: WhisperSink;
  clock?: Clock;
  /** The config file the settings page writes (the `--config` file; default ./mnemo.yaml). */
  configFile?: string;
}

export interface ReviewServer extends Part, PhonePairing {
  readonly pairing: PairingService;
  /** The Fastify app once started. */
  readonly app: FastifyInstance | undefined;
  /** https://host:port/ once listening. */
  url(): string;
}

/**
 * The phone review server as a runtime Part: certificate, web app build, HTTPS
 * listener, and the glasses button's long press opening a pairing window. It also
 * is the PhonePairing the voice stage uses ("pair my phone", "unpair all phones").
 */
export function createReviewServer(deps: ReviewServerDeps): ReviewServer {
  const clock = deps.clock ?? systemClock;
  const { config, bus } = deps;
  let fingerprint = '';
  let app: FastifyInstance | undefined;
  let address = '';
  const pairing = new PairingService({
    memory: deps.memory,
    bus,
    clock,
    whisper: deps.whisper,
    fingerprint: () => {
      if (!fingerprint) throw new MnemoError('invalid-argument', 'the review server has not started yet');
      return fingerprint;
    },
    sessionDays: config.review.sessionDays,
  });

  return {
    name: 'review',
    pairing,
    get app() {
      return app;
    },
    url: () => address,
    startPairing: () => pairing.startPairing('voice'),
    revokeAll: () => pairing.revokeAll('voice'),
    fingerprint: () => pairing.fingerprint(),

    async start() {
      const cert = await ensureCertificate(config.review.certDir, [config.review.host]);
      fingerprint = cert.fingerprint;
      const webDir = await ensureWebBuilt();
      app = await buildReviewApp({
        config,
        memory: deps.memory,
        bus,
        clock,
        pairing,
        configFile: resolve(deps.configFile ?? DEFAULT_CONFIG_FILE),
        webDir,
        https: { key: cert.key, cert: cert.cert },
      });
      await app.listen({ host: config.review.host, port: config.review.port });
      const a = app.server.address();
      const port = typeof a === 'object' && a ? a.port : config.review.port;
      const host = config.review.host.includes(':') ? `[${config.review.host}]` : config.review.host;
      address = `https://${host}:${port}/`;
      bus.on('review', 'button', (e) => {
        if (e.action !== 'long-press') return;
        pairing.requestPairing('device').catch((err: unknown) => {
          log.warn({ code: (err as MnemoError).code }, 'long press: pairing not started');
        });
      });
      log.info({ url: address, fingerprint }, 'phone review listening');
    },

    async stop() {
      bus.removeListeners('review');
      await app?.close();
      app = undefined;
    },
  };
}
