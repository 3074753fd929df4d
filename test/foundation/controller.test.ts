import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isMnemoError, MnemoError } from '../../config/errors.js';
import { Controller, type Part } from '../../device/controller.js';

function recorder() {
  const log: string[] = [];
  const make = (name: string, failStart?: Error): Part => ({
    name,
    async start(signal) {
      log.push(`start ${name}`);
      expect(signal.aborted).toBe(false);
      if (failStart) throw failStart;
    },
    async stop() {
      log.push(`stop ${name}`);
    },
  });
  return { log, make };
}

describe('controller', () => {
  it('starts parts in order and stops them in reverse', async () => {
    const { log, make } = recorder();
    const c = new Controller([make('broker'), make('memory'), make('faces')]);
    await c.start();
    await c.stop();
    await c.stop(); // idempotent
    expect(log).toEqual(['start broker', 'start memory', 'start faces', 'stop faces', 'stop memory', 'stop broker']);
    expect(c.signal.aborted).toBe(true);
  });

  it('on a start failure stops what had started, and names the part and why', async () => {
    const { log, make } = recorder();
    const cause = new MnemoError('model-missing', 'model x is missing', { fix: 'run `mnemo models pull x`' });
    const c = new Controller([make('broker'), make('faces', cause), make('review')]);
    const err = await c.start().catch((e: unknown) => e);
    expect(isMnemoError(err, 'part-start-failed')).toBe(true);
    expect((err as MnemoError).message).toBe('faces failed to start: model x is missing');
    expect((err as MnemoError).fix).toBe('run `mnemo models pull x`');
    expect((err as MnemoError).cause).toBe(cause);
    expect(log).toEqual(['start broker', 'start faces', 'stop broker']);
  });

  it('keeps stopping the other parts when one fails to stop', async () => {
    const log: string[] = [];
    const bad: Part = { name: 'bad', start: async () => {}, stop: async () => Promise.reject(new Error('stuck')) };
    const good: Part = { name: 'good', start: async () => {}, stop: async () => void log.push('stop good') };
    const c = new Controller([good, bad]);
    await c.start();
    await c.stop();
    expect(log).toEqual(['stop good']);
  });

  it('stops cleanly on SIGTERM', async () => {
    const { log, make } = recorder();
    const proc = new EventEmitter();
    const c = new Controller([make('a'), make('b')]);
    await c.start();
    const done = c.untilSignal(proc);
    proc.emit('SIGTERM');
    expect(await done).toBe('SIGTERM');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});
