import type { EventBus } from '../bus.js';
import { LatencyRecorder, percentiles, STAGES } from '../latency.js';
import type { PlayResult, TimelineEntry } from './player.js';

/**
 * Reads the two numbers a wearer feels off the bus: from the camera frame that
 * decided an identity to the first audio chunk of its whisper, and from the end of
 * the wearer's speech to the first audio chunk of the answer; plus every stage.
 */
export class DemoLatency {
  private readonly stages: LatencyRecorder;
  readonly frameToAudio: number[] = [];
  readonly speechToAudio: number[] = [];
  private readonly frameAtByTrack = new Map<string, number>();
  private pendingRecall: { text: string; frameAt: number } | undefined;
  private pendingSpeechEnd: number | undefined;
  private readonly streams = new Map<string, { kind: 'recall' | 'answer'; from: number }>();
  private readonly owner = 'demo-latency';

  constructor(private readonly bus: EventBus) {
    this.stages = new LatencyRecorder(bus, STAGES);
    bus.on(this.owner, 'track-identified', (p) => void this.frameAtByTrack.set(p.trackId, p.frameAt));
    bus.on(this.owner, 'recall', (p) => {
      const frameAt = this.frameAtByTrack.get(p.trackId);
      if (frameAt !== undefined) this.pendingRecall = { text: p.text, frameAt };
    });
    bus.on(this.owner, 'vad-end', (p) => {
      this.pendingSpeechEnd = p.at;
    });
    bus.on(this.owner, 'speech-start', (p) => {
      if (this.pendingRecall && p.text && this.pendingRecall.text.startsWith(p.text.slice(0, 10))) {
        this.streams.set(p.streamId, { kind: 'recall', from: this.pendingRecall.frameAt });
        this.pendingRecall = undefined;
      } else if (this.pendingSpeechEnd !== undefined) {
        this.streams.set(p.streamId, { kind: 'answer', from: this.pendingSpeechEnd });
        this.pendingSpeechEnd = undefined;
      }
    });
    bus.on(this.owner, 'audio-first-chunk', (p) => {
      const s = this.streams.get(p.streamId);
      if (!s) return;
      this.streams.delete(p.streamId);
      (s.kind === 'recall' ? this.frameToAudio : this.speechToAudio).push(p.at - s.from);
    });
  }

  summary() {
    return {
      frameToFirstAudio: percentiles(this.frameToAudio),
      endOfSpeechToFirstAudio: percentiles(this.speechToAudio),
      stages: this.stages.summary(),
      samples: {
        frameToFirstAudio: [...this.frameToAudio],
        endOfSpeechToFirstAudio: [...this.speechToAudio],
        ...Object.fromEntries([...this.stages.durations].map(([k, v]) => [`stage ${k}`, [...v]])),
      } as Record<string, number[]>,
    };
  }

  dispose(): void {
    this.stages.dispose();
    this.bus.removeListeners(this.owner);
  }
}

const COLOURS: Partial<Record<TimelineEntry['kind'], string>> = {
  scene: '1',
  wearer: '36',
  heard: '2',
  whisper: '35',
  check: '33',
  skip: '2',
};

export function formatEntry(e: TimelineEntry, colour: boolean): string {
  const label = e.kind === 'whisper' ? 'mnemo whispers' : e.kind === 'wearer' ? 'wearer says' : e.kind === 'heard' ? 'mnemo heard' : e.kind;
  const text = e.kind === 'check' && e.ok === false ? `\u274c ${e.text}` : e.text;
  const line = `${`+${e.t.toFixed(1)}s`.padStart(8)}  ${label.padEnd(15)} ${text}`;
  const c = e.kind === 'check' && e.ok === false ? '31' : COLOURS[e.kind];
  return colour && c ? `\u001b[${c}m${line}\u001b[0m` : line;
}

const fmt = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '-');

export function formatSummary(result: PlayResult, latency: ReturnType<DemoLatency['summary']>): string {
  const failed = result.checks.filter((c) => !c.ok);
  const rows: Array<[string, string]> = [
    [
      'whispers expected / made',
      `${result.expectedWhispers} / ${result.matchedWhispers} matched (${result.whispers.length} streams in all)`,
    ],
    ['wrong names', String(result.wrongNames.length)],
    ['checks passed', `${result.checks.length - failed.length} / ${result.checks.length}`],
    [
      'frame to first audio',
      `p50 ${fmt(latency.frameToFirstAudio.p50)}, p95 ${fmt(latency.frameToFirstAudio.p95)} (n=${latency.frameToFirstAudio.n})`,
    ],
    [
      'end of speech to first audio',
      `p50 ${fmt(latency.endOfSpeechToFirstAudio.p50)}, p95 ${fmt(latency.endOfSpeechToFirstAudio.p95)} (n=${latency.endOfSpeechToFirstAudio.n})`,
    ],
    ...Object.entries(latency.stages).map(([k, v]): [string, string] => [`stage ${k}`, `p50 ${fmt(v.p50)}, p95 ${fmt(v.p95)} (n=${v.n})`]),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = ['', 'summary', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)];
  for (const f of failed) lines.push(`  FAILED step ${f.step}: ${f.what}: ${f.detail}`);
  lines.push(failed.length === 0 ? '  all expectations held' : `  ${failed.length} expectation(s) failed`);
  return lines.join('\n');
}
