/*
 * Preloaded with `node --import tsx --import ./test/privacy/net-guard.ts ...`: records
 * every outgoing connection, datagram, fetch and listening socket of the process
 * into the JSON-lines file named by MNEMO_NET_GUARD_LOG, and refuses any that is
 * not loopback. The privacy test runs the demo under it.
 */

import dgram from 'node:dgram';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const logFile = process.env.MNEMO_NET_GUARD_LOG;

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '' || host === 'localhost') return true;
  const h = host.replace(/^\[|\]$/g, '');
  return h === '::1' || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

function record(api: string, host: string | undefined, port: unknown, extra: Record<string, unknown> = {}): boolean {
  const allowed = isLoopback(host) || extra.unix === true;
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ api, host: host ?? null, port: port ?? null, allowed, ...extra })}\n`);
  return allowed;
}

function blocked(api: string, host: string | undefined): Error {
  return new Error(`net guard: ${api} to ${host} refused (only loopback is allowed)`);
}

type ConnectArgs = [unknown, ...unknown[]];

function target(args: ConnectArgs): { host?: string; port?: unknown; unix: boolean } {
  const [a, b] = args;
  if (Array.isArray(a)) return target(a as ConnectArgs);
  if (typeof a === 'object' && a !== null) {
    const o = a as { host?: string; port?: unknown; path?: string };
    if (o.path) return { host: o.path, unix: true };
    return { host: o.host ?? 'localhost', port: o.port, unix: false };
  }
  if (typeof a === 'string' && Number.isNaN(Number(a))) return { host: a, unix: true };
  return { host: typeof b === 'string' ? b : 'localhost', port: a, unix: false };
}

const socketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: ConnectArgs) {
  const t = target(args);
  if (!record('socket.connect', t.host, t.port, { unix: t.unix })) throw blocked('socket.connect', t.host);
  return (socketConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof socketConnect;

const serverListen = net.Server.prototype.listen;
net.Server.prototype.listen = function guardedListen(this: net.Server, ...args: unknown[]) {
  const [a, b] = args;
  const host = typeof a === 'object' && a !== null ? (a as { host?: string }).host : typeof b === 'string' ? b : undefined;
  // A server without a host listens on every interface: that is exposure, so it is refused too.
  if (!record('server.listen', host ?? '0.0.0.0 (all interfaces)', typeof a === 'object' ? (a as { port?: unknown })?.port : a)) {
    throw blocked('server.listen', host ?? 'all interfaces');
  }
  return (serverListen as (...x: unknown[]) => net.Server).apply(this, args);
} as typeof serverListen;

const dgramSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
  const host = args.find((x, i) => i > 0 && typeof x === 'string') as string | undefined;
  if (!record('dgram.send', host, undefined)) throw blocked('dgram.send', host);
  return (dgramSend as (...x: unknown[]) => void).apply(this, args);
} as typeof dgramSend;

const realFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!record('fetch', url.hostname, url.port)) throw blocked('fetch', url.hostname);
  return realFetch(input, init);
};
