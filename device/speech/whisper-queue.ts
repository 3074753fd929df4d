import { randomBytes } from 'node:crypto';
import { logger } from '../../config/log.js';
import type { Config } from '../../config/schema.js';
import type { GlassesLink } from '../../hardware/glasses-link/index.js';
import { localeForVoice, type TextToSpeech, truncateText } from '../../models/tts/engines.js';
import type { EventBus } from '../bus.js';
import { type Clock, systemClock, type Whisper, type WhisperPriority, type WhisperResult, type WhisperSink } from '../contracts.js';
import type { Part } from '../controller.js';
import { sendStream } from './stream-sender.js';

/*
 * Everything the wearer hears goes through this queue, one stream at a time.
 * - Priority: system (a pairing code) > answer (to the wearer's question) > recall.
 *   A higher priority interrupts the stream playing now (audio-stop "interrupted");
 *   equal or lower waits its turn, highest first, then oldest.
 * - De-duplication: a text equal to one queued or playing is dropped; a recall or
 *   system text also when it started within speech.dedupeSeconds. Answers are not
 *   held against finished ones: "repeat that" must be heard again.
 * - Length: text is cut to speech.maxChars at a sentence or word boundary.
 * - Offline glasses: recalls are dropped (they would be stale); answers and system
 *   messages wait up to glasses.offlineAnswerWaitMs for the glasses to come back.
 *   A recall that waited in the queue longer than speech.recallStaleMs is dropped.
 * - Link lost mid-stream (broker restart): the stream is stopped, not resumed; the
 *   caller gets 'stopped' (reason link-lost), and after the reconnect an audio-stop
 *   "link-lost" tells glasses that stayed connected to drop what they buffered.
 */

const RANK: Record<WhisperPriority, number> = { system: 3, answer: 2, recall: 1 };

interface Item {
  whisper: Whisper;
  text: string;
  key: string;
  streamId: string;
  enqueuedAt: number;
  deadline: number;
  resolve: (r: WhisperResult) => void;
}

interface Playing {
  item: Item;
  abort: AbortController;
  result?: WhisperResult;
}

export interface WhisperQueueDeps {
  config: Pick<Config, 'speech' | 'glasses'>;
  bus: EventBus;
  link: GlassesLink;
  tts: TextToSpeech;
  clock?: Clock;
}

export class WhisperQueue implements WhisperSink, Part {
  readonly name = 'speech';
  private readonly pending: Item[] = [];
  private current: Playing | undefined;
  private readonly recent = new Map<string, number>();
  private readonly playedWaiters = new Map<string, () => void>();
  private readonly staleStreams = new Set<string>();
  private last: string | undefined;
  private vol: number;
  private wake: NodeJS.Timeout | undefined;
  private running = false;
  private readonly clock: Clock;
  private readonly log = logger('mnemo:speech');

  constructor(private readonly deps: WhisperQueueDeps) {
    this.clock = deps.clock ?? systemClock;
    this.vol = deps.config.speech.volume;
  }

  async start(): Promise<void> {
    await this.deps.tts.load();
    const { link } = this.deps;
    link.on('played', this.onPlayed);
    link.on('glasses-online', this.onOnline);
    link.on('glasses-offline', this.onOffline);
    link.on('link-down', this.onLinkDown);
    link.on('link-up', this.onLinkUp);
    this.running = true;
    if (link.glassesOnline) link.setVolume(this.vol);
  }

  async stop(): Promise<void> {
    this.running = false;
    const { link } = this.deps;
    link.off('played', this.onPlayed);
    link.off('glasses-online', this.onOnline);
    link.off('glasses-offline', this.onOffline);
    link.off('link-down', this.onLinkDown);
    link.off('link-up', this.onLinkUp);
    if (this.wake) clearTimeout(this.wake);
    for (const item of this.pending.splice(0)) item.resolve({ streamId: item.streamId, outcome: 'dropped', reason: 'shutdown' });
    this.finishCurrent({ outcome: 'stopped', reason: 'shutdown' }, 'cancelled');
    await this.deps.tts.dispose();
  }

  say(whisper: Whisper): Promise<WhisperResult> {
    const streamId = randomBytes(6).toString('hex');
    const { speech, glasses } = this.deps.config;
    const text = truncateText(whisper.text, speech.maxChars, localeForVoice(this.deps.tts.voice));
    if (!this.running) return Promise.resolve({ streamId, outcome: 'dropped', reason: 'not started' });
    if (!/[\p{L}\p{N}]/u.test(text)) return Promise.resolve({ streamId, outcome: 'dropped', reason: 'empty' });
    const key = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    const now = this.clock.monotonic();
    if (this.isDuplicate(key, whisper.priority, now)) {
      this.log.debug({ priority: whisper.priority }, 'duplicate whisper dropped');
      return Promise.resolve({ streamId, outcome: 'dropped', reason: 'duplicate' });
    }
    return new Promise((resolve) => {
      const wait = whisper.priority === 'recall' ? 0 : glasses.offlineAnswerWaitMs;
      this.pending.push({ whisper, text, key, streamId, enqueuedAt: now, deadline: now + wait, resolve });
      const cur = this.current;
      if (cur && RANK[whisper.priority] > RANK[cur.item.whisper.priority] && this.deps.link.glassesOnline) {
        this.finishCurrent({ outcome: 'interrupted', reason: `${whisper.priority} came first` }, 'interrupted');
      }
      this.pump();
    });
  }

  get engine(): string {
    return this.deps.tts.engine;
  }

  get voice(): string {
    return this.deps.tts.voice;
  }

  isSpeaking(): boolean {
    return this.current !== undefined;
  }

  lastText(): string | undefined {
    return this.last;
  }

  setVolume(volume: number): void {
    this.vol = Math.min(1, Math.max(0, volume));
    this.deps.link.setVolume(this.vol);
  }

  volume(): number {
    return this.vol;
  }

  private isDuplicate(key: string, priority: WhisperPriority, now: number): boolean {
    if (this.current?.item.key === key || this.pending.some((p) => p.key === key)) return true;
    if (priority === 'answer') return false;
    const at = this.recent.get(key);
    return at !== undefined && now - at < this.deps.config.speech.dedupeSeconds * 1000;
  }

  /** Starts the best waiting item, unless something is playing. */
  private pump(): void {
    if (this.current || !this.running) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    const now = this.clock.monotonic();
    const online = this.deps.link.glassesOnline;
    const { recallStaleMs } = this.deps.config.speech;
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const item = this.pending[i] as Item;
      const reason =
        item.whisper.priority === 'recall' && !online
          ? 'offline'
          : item.whisper.priority === 'recall' && now - item.enqueuedAt > recallStaleMs
            ? 'stale'
            : !online && now >= item.deadline
              ? 'offline'
              : undefined;
      if (!reason) continue;
      this.pending.splice(i, 1);
      this.log.debug({ priority: item.whisper.priority, reason }, 'whisper dropped');
      item.resolve({ streamId: item.streamId, outcome: 'dropped', reason });
    }
    if (!this.pending.length) return;
    if (!online) {
      // Waiting for the glasses: woken by glasses-online, or at the first deadline.
      const next = Math.min(...this.pending.map((p) => p.deadline));
      this.wake = setTimeout(() => this.pump(), Math.max(0, next - now) + 1);
      return;
    }
    this.pending.sort((a, b) => RANK[b.whisper.priority] - RANK[a.whisper.priority] || a.enqueuedAt - b.enqueuedAt);
    const item = this.pending.shift() as Item;
    void this.play(item);
  }

  private async play(item: Item): Promise<void> {
    const playing: Playing = { item, abort: new AbortController() };
    this.current = playing;
    this.last = item.text;
    this.recent.set(item.key, this.clock.monotonic());
    this.pruneRecent();
    const { speech, glasses } = this.deps.config;
    const sent = await sendStream(
      { ...this.deps, clock: this.clock },
      { streamId: item.streamId, text: item.text, signal: playing.abort.signal },
      speech,
    );
    if (this.current !== playing) return; // interrupted or stopped meanwhile: already resolved
    if (!sent.ok) {
      const stop = sent.reason === 'tts-failed' ? 'cancelled' : 'link-lost';
      const reason = sent.reason === 'tts-failed' ? `tts-failed: ${sent.detail}` : 'link-lost';
      this.finishCurrent({ outcome: 'stopped', reason }, stop);
      return;
    }
    // The glasses play from the first chunk on: wait that long, and a little more, for `played`.
    const audioMs = (sent.samples / 16_000) * 1000;
    const waitMs = Math.max(0, sent.firstChunkAt + audioMs - this.clock.monotonic()) + glasses.playedTimeoutMs;
    const played = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      const abort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      playing.abort.signal.addEventListener('abort', abort);
      this.playedWaiters.set(item.streamId, () => {
        clearTimeout(timer);
        playing.abort.signal.removeEventListener('abort', abort);
        resolve(true);
      });
    });
    this.playedWaiters.delete(item.streamId);
    if (this.current !== playing) return;
    if (played) {
      this.deps.bus.emit('audio-played', { at: this.clock.monotonic(), id: item.streamId, streamId: item.streamId });
      this.finishCurrent({ outcome: 'played' });
    } else {
      this.finishCurrent({ outcome: 'stopped', reason: 'no played report' });
    }
  }

  /** Resolves the current stream, tells the glasses to stop if `stop` is given, and moves on. */
  private finishCurrent(result: Omit<WhisperResult, 'streamId'>, stop?: 'interrupted' | 'cancelled' | 'link-lost'): void {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    cur.abort.abort();
    const streamId = cur.item.streamId;
    if (stop) {
      const { link, bus } = this.deps;
      if (!link.stopStream(streamId, stop)) this.staleStreams.add(streamId);
      bus.emit('audio-stopped', { at: this.clock.monotonic(), id: streamId, streamId, reason: result.reason ?? stop });
    }
    cur.item.resolve({ streamId, ...result });
    queueMicrotask(() => this.pump());
  }

  private pruneRecent(): void {
    const horizon = this.clock.monotonic() - this.deps.config.speech.dedupeSeconds * 1000;
    for (const [k, at] of this.recent) if (at < horizon) this.recent.delete(k);
  }

  private readonly onPlayed = (streamId: string): void => {
    this.playedWaiters.get(streamId)?.();
  };

  private readonly onOnline = (): void => {
    this.deps.link.setVolume(this.vol);
    this.pump();
  };

  /** Waiting items get their offline deadline (recalls are dropped now). */
  private readonly onOffline = (): void => {
    this.pump();
  };

  private readonly onLinkDown = (): void => {
    this.finishCurrent({ outcome: 'stopped', reason: 'link-lost' }, 'link-lost');
  };

  private readonly onLinkUp = (): void => {
    for (const id of this.staleStreams) this.deps.link.stopStream(id, 'link-lost');
    this.staleStreams.clear();
  };
}
