/*
 * Turns pushed byte buffers (a child process's stdout) into fixed-size Int16
 * chunks consumed by an async iterator. Odd bytes and partial chunks carry over
 * to the next push, so a sample is never split or dropped.
 */
export class ChunkQueue implements AsyncIterable<Int16Array> {
  private pending: Buffer = Buffer.alloc(0);
  private readonly ready: Int16Array[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;
  private failure: unknown;

  constructor(private readonly chunkSamples: number) {}

  push(bytes: Buffer): void {
    if (this.ended) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const chunkBytes = this.chunkSamples * 2;
    while (this.pending.length >= chunkBytes) {
      const copy = new Int16Array(this.chunkSamples);
      Buffer.from(copy.buffer).set(this.pending.subarray(0, chunkBytes));
      this.ready.push(copy);
      this.pending = this.pending.subarray(chunkBytes);
    }
    this.wake();
  }

  /** Ends the stream; the partial chunk left over is flushed (whole samples only). */
  end(): void {
    if (this.ended) return;
    const whole = this.pending.length - (this.pending.length % 2);
    if (whole > 0) {
      const tail = new Int16Array(whole / 2);
      Buffer.from(tail.buffer).set(this.pending.subarray(0, whole));
      this.ready.push(tail);
    }
    this.pending = Buffer.alloc(0);
    this.ended = true;
    this.wake();
  }

  /** Fails the stream; after `end()` it is a no-op (the reader already got everything). */
  fail(err: unknown): void {
    if (this.ended) return;
    this.failure = err;
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Int16Array> {
    for (;;) {
      const next = this.ready.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }
}
