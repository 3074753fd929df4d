import { EventEmitter } from 'node:events';
import { EventBus } from '../../device/bus.js';
import type { Benchmark } from './harness.js';

/** The typed bus against Node's EventEmitter, 10k emits to 5 listeners. */
const bench: Benchmark = {
  description: 'event bus: 10,000 emits to 5 listeners, typed bus vs EventEmitter',
  async run(ctx) {
    const bus = new EventBus();
    const ee = new EventEmitter();
    let n = 0;
    for (let i = 0; i < 5; i++) {
      bus.on(`l${i}`, 'frame', () => void n++);
      ee.on('frame', () => void n++);
    }
    const payload = { at: 0, width: 640, height: 480, dropped: 0 };
    const ours = ctx.figure(
      'bus 10k emits',
      await ctx.time(() => {
        for (let i = 0; i < 10_000; i++) bus.emit('frame', payload);
      }),
    );
    const peer = ctx.figure(
      'EventEmitter 10k emits',
      await ctx.time(() => {
        for (let i = 0; i < 10_000; i++) ee.emit('frame', payload);
      }),
    );
    ctx.ratio('bus / EventEmitter time', ours.p50 / peer.p50);
  },
};
export default bench;
