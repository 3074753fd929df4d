import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { configureLogging } from '../../config/log.js';
import { EventBus } from '../../device/bus.js';
import { LatencyRecorder, percentiles, STAGES } from '../../device/latency.js';

function captureLogs(): string[] {
  const lines: string[] = [];
  configureLogging(
    { level: 'debug', levels: {}, format: 'json' },
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    }),
  );
  return lines;
}

describe('event bus', () => {
  it('delivers typed payloads to every listener', () => {
    const bus = new EventBus();
    const got: number[] = [];
    bus.on('a', 'battery', (p) => void got.push(p.percent));
    bus.on('b', 'battery', (p) => void got.push(p.percent * 2));
    bus.emit('battery', { at: 1, percent: 40, charging: false });
    expect(got).toEqual([40, 80]);
  });

  it('contains a throwing listener: the emitter and the other listeners carry on, the failure is logged with event and owner', async () => {
    const lines = captureLogs();
    const bus = new EventBus();
    const got: string[] = [];
    bus.on('thrower', 'button', () => {
      throw new Error('boom');
    });
    bus.on('rejecter', 'button', async () => {
      throw new Error('async boom');
    });
    bus.on('ok', 'button', (p) => void got.push(p.action));
    expect(() => bus.emit('button', { at: 0, action: 'press' })).not.toThrow();
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['press']);
    const errors = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    expect(errors.map((e) => [e.event, e.owner])).toEqual([
      ['button', 'thrower'],
      ['button', 'rejecter'],
    ]);
  });

  it('removes an owner’s listeners only', () => {
    const bus = new EventBus();
    bus.on('x', 'frame', () => {});
    bus.on('x', 'button', () => {});
    bus.on('y', 'frame', () => {});
    bus.removeListeners('x');
    expect(bus.listenerCount()).toBe(1);
  });

  it('once resolves with the first matching payload', async () => {
    const bus = new EventBus();
    const p = bus.once('t', 'battery', (b) => b.percent < 20);
    bus.emit('battery', { at: 0, percent: 50, charging: false });
    bus.emit('battery', { at: 1, percent: 10, charging: false });
    expect((await p).percent).toBe(10);
    expect(bus.listenerCount('battery')).toBe(0);
  });

  it('reads per-stage durations off paired start/end events', () => {
    const bus = new EventBus();
    const rec = new LatencyRecorder(bus, STAGES);
    bus.emit('stt-start', { at: 100, id: 'u1', engine: 'x' });
    bus.emit('stt-start', { at: 150, id: 'u2', engine: 'x' });
    bus.emit('stt-end', { at: 400, id: 'u2', engine: 'x', transcript: '', confidence: 1 });
    bus.emit('stt-end', { at: 300, id: 'u1', engine: 'x', transcript: '', confidence: 1 });
    expect(rec.durations.get('stt')).toEqual([250, 200]);
    expect(rec.summary().stt).toEqual({ p50: 200, p95: 250, n: 2 });
    rec.dispose();
    expect(bus.listenerCount()).toBe(0);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 3, 2, 4])).toEqual({ p50: 3, p95: 5, n: 5 });
    expect(percentiles([]).n).toBe(0);
  });
});
