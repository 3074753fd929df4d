import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { errorMessage, MnemoError } from '../../config/errors.js';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { Part } from '../controller.js';

/*
 * The in-process MQTT broker (aedes) for `mqtt.embedded: true`: the runtime and
 * the glasses meet here without installing anything. It binds loopback by default
 * (mqtt.host); binding elsewhere is the operator's choice, and then a username and
 * password (mqtt.username/password) are required of every client. Port 0 picks a
 * free port (tests, the demo): read it back with port()/url() after start.
 * No persistence: retained availability is re-published by both ends on reconnect.
 */

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export class EmbeddedBroker implements Part {
  readonly name = 'broker';
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private readonly log = logger('mnemo:broker');

  constructor(private readonly options: EmbeddedBrokerOptions) {}

  static fromConfig(cfg: Config['mqtt']): EmbeddedBroker {
    return new EmbeddedBroker({ host: cfg.host, port: cfg.port, username: cfg.username, password: cfg.password });
  }

  port(): number {
    return this.boundPort;
  }

  url(): string {
    const h = this.options.host === '0.0.0.0' || this.options.host === '::' ? '127.0.0.1' : this.options.host;
    return `mqtt://${h.includes(':') ? `[${h}]` : h}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { username, password } = this.options;
    const broker = await Aedes.createBroker({
      authenticate: (_client, user, pass, done) => {
        if (username === undefined) return done(null, true);
        const ok = user === username && pass?.toString('utf8') === (password ?? '');
        if (ok) return done(null, true);
        const err = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
        done(err, false);
      },
    });
    broker.on('clientError', (client, err) => this.log.debug({ client: client?.id, reason: errorMessage(err) }, 'client error'));
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (cause: NodeJS.ErrnoException) => {
        broker.close();
        reject(
          new MnemoError(
            'mqtt-unavailable',
            `the embedded broker cannot listen on ${this.options.host}:${this.options.port}: ${cause.code ?? cause.message}`,
            {
              cause,
              fix:
                cause.code === 'EADDRINUSE'
                  ? 'another broker already uses that port: set mqtt.port, or mqtt.embedded: false with mqtt.url'
                  : undefined,
            },
          ),
        );
      });
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.options.port;
    this.broker = broker;
    this.server = server;
    this.log.info({ url: this.url() }, 'embedded broker listening');
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = undefined;
    this.server = undefined;
    if (!server || !broker) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }
}
