/*
 * Splits a concatenated MJPEG byte stream (rpicam-vid --codec mjpeg -o -, ffmpeg
 * -f image2pipe) into JPEG images. It walks the marker segments up to SOS, so an
 * EOI inside an APP segment (an EXIF thumbnail) cannot end a frame early, then scans
 * the entropy-coded data for EOI (0xFF bytes there are stuffed as FF00 or are RSTn).
 * Garbage between frames and frames over `maxBytes` are skipped and reported.
 */

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

export interface SplitterEvents {
  frame(jpeg: Buffer): void;
  /** A frame that was too large or malformed was discarded. */
  corrupt(reason: string): void;
}

export class MjpegSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where parsing of the current frame resumes (0: looking for SOI). */
  private pos = 0;
  private inScan = false;

  constructor(
    private readonly on: SplitterEvents,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.parse();
  }

  /** Bytes held for an unfinished frame. */
  get buffered(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.pos = 0;
    this.inScan = false;
  }

  private parse(): void {
    for (;;) {
      if (this.pos === 0) {
        const start = this.findSoi();
        if (start < 0) return;
        if (start > 0) this.buf = this.buf.subarray(start);
        this.pos = 2;
        this.inScan = false;
      }
      const end = this.inScan ? this.scanEntropy() : this.walkSegments();
      if (end === 'more') {
        if (this.buf.length > this.maxBytes) this.discard('frame larger than the limit');
        return;
      }
      if (end === 'bad') {
        this.discard('malformed marker');
        continue;
      }
      if (end === 'scan') continue;
      if (end > this.maxBytes) {
        this.discard('frame larger than the limit');
        continue;
      }
      this.on.frame(Buffer.from(this.buf.subarray(0, end)));
      this.buf = this.buf.subarray(end);
      this.pos = 0;
    }
  }

  private findSoi(): number {
    const b = this.buf;
    for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === SOI) return i;
    // Keep a trailing 0xFF: it may be the first half of the next SOI.
    this.buf = b.length > 0 && b[b.length - 1] === 0xff ? b.subarray(b.length - 1) : Buffer.alloc(0);
    return -1;
  }

  /** Header segments: each is FF xx LEN(2) ... ; SOS starts the entropy-coded data. */
  private walkSegments(): 'more' | 'bad' | 'scan' | number {
    const b = this.buf;
    while (this.pos + 4 <= b.length) {
      if (b[this.pos] !== 0xff) return 'bad';
      const marker = b[this.pos + 1] as number;
      if (marker === 0xff) {
        this.pos++; // fill byte
        continue;
      }
      if (marker === EOI) return this.pos + 2;
      if (marker === SOI) return 'bad';
      const len = b.readUInt16BE(this.pos + 2);
      if (len < 2) return 'bad';
      if (this.pos + 2 + len > b.length) return 'more';
      this.pos += 2 + len;
      if (marker === SOS) {
        this.inScan = true;
        return 'scan';
      }
    }
    return 'more';
  }

  /** Entropy-coded data: ends at the first FF followed by neither 00, RSTn nor fill. */
  private scanEntropy(): 'more' | 'scan' | number {
    const b = this.buf;
    for (let i = this.pos; i + 1 < b.length; i++) {
      if (b[i] !== 0xff) continue;
      const next = b[i + 1] as number;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
      if (next === EOI) return i + 2;
      // Another marker (a second scan of a progressive JPEG, DHT, ...): back to segments.
      this.pos = i;
      this.inScan = false;
      return 'scan';
    }
    this.pos = Math.max(this.pos, b.length - 1);
    return 'more';
  }

  private discard(reason: string): void {
    this.on.corrupt(reason);
    // Drop this frame's SOI and look for the next one.
    this.buf = this.buf.subarray(2);
    this.pos = 0;
    this.inScan = false;
  }
}
