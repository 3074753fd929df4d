import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayMicrophone, type TimelineStep } from '../../hardware/microphone/index.js';
import { readWav16k, toFloat32 } from '../../hardware/microphone/wav.js';
import { SileroVad } from '../../models/vad/silero-vad.js';
import { type SegmenterOptions, type Utterance, UtteranceSegmenter } from '../../models/vad/utterance-segmenter.js';
import { testModelStore } from '../helpers/models.js';
import { cleanupSynth, espeak, librivoxClips } from './audio-synth.js';

let vad: SileroVad;
beforeAll(async () => {
  vad = await SileroVad.load(testModelStore());
});
afterAll(async () => {
  await vad.dispose();
  cleanupSynth();
});

const OPTS: SegmenterOptions = { silenceMs: 700, maxUtteranceSeconds: 15, threshold: 0.5, minSpeechMs: 200, prerollMs: 300 };

/** Plays a timeline through the real VAD; `ptt` presses push-to-talk before the first chunk. */
async function segment(
  steps: TimelineStep[],
  opts: Partial<SegmenterOptions> & { ptt?: boolean } = {},
): Promise<{ utterances: Utterance[]; starts: number[] }> {
  vad.reset();
  const seg = new UtteranceSegmenter(vad, { ...OPTS, ...opts });
  if (opts.ptt) seg.begin();
  const utterances: Utterance[] = [];
  const starts: number[] = [];
  for await (const chunk of new ReplayMicrophone({ source: steps, chunkMs: 32, speed: 0 }).chunks()) {
    for (const e of await seg.push(chunk)) {
      if (e.type === 'utterance') utterances.push(e.utterance);
      else starts.push(e.sample / 16000);
    }
  }
  const last = seg.end('end');
  if (last) utterances.push(last);
  return { utterances, starts };
}

describe('Silero VAD v5 (real model)', () => {
  it('scores real speech high and digital silence low', async () => {
    vad.reset();
    const pcm = toFloat32(readWav16k(librivoxClips()[0]?.file as string).pcm);
    const probs: number[] = [];
    for (let at = 0; at + 512 <= pcm.length; at += 512) probs.push(await vad.probability(pcm.subarray(at, at + 512)));
    const speechy = probs.filter((p) => p > 0.5).length / probs.length;
    expect(speechy).toBeGreaterThan(0.5);
    vad.reset();
    expect(await vad.probability(new Float32Array(512))).toBeLessThan(0.1);
    await expect(vad.probability(new Float32Array(100))).rejects.toThrow(/512-sample/);
  });
});

describe('utterance segmenter on real audio', () => {
  const [a, b] = [librivoxClips()[1], librivoxClips()[4]] as [{ file: string }, { file: string }];

  it('cuts two clips separated by pauses into two utterances ending on silence', async () => {
    const { utterances, starts } = await segment([{ silence: 1 }, { wav: a.file }, { silence: 2 }, { wav: b.file }, { silence: 2 }]);
    expect(utterances.map((u) => u.reason)).toEqual(['silence', 'silence']);
    expect(starts).toHaveLength(2);
    // Each utterance starts near its clip (preroll included) and holds it whole.
    expect((utterances[0]?.startSample ?? 0) / 16000).toBeGreaterThan(0.5);
    expect((utterances[0]?.startSample ?? 0) / 16000).toBeLessThan(1.5);
    expect(utterances[0]?.pcm.length).toBeGreaterThan(readWav16k(a.file).pcm.length * 0.8);
    expect((utterances[1]?.startSample ?? 0) / 16000).toBeGreaterThan(1 + 2.99 + 1.5);
  });

  it('a longer configured silence joins what a short one splits', async () => {
    const steps: TimelineStep[] = [{ wav: a.file }, { silence: 1.2 }, { wav: b.file }, { silence: 3 }];
    expect((await segment(steps, { silenceMs: 500 })).utterances).toHaveLength(2);
    expect((await segment(steps, { silenceMs: 2000 })).utterances).toHaveLength(1);
  });

  it('silence only gives no utterance', async () => {
    const { utterances, starts } = await segment([{ silence: 10 }]);
    expect(utterances).toEqual([]);
    expect(starts).toEqual([]);
  });

  it('push-to-talk with 60 s of noise ends at the maximum length, not after 60 s', async () => {
    const { utterances } = await segment([{ noise: 60, level: 0.1 }], { ptt: true });
    expect(utterances[0]?.reason).toBe('max-length');
    expect(utterances[0]?.pcm.length).toBeLessThanOrEqual(15 * 16000 + 512);
    expect(utterances[0]?.pcm.length).toBeGreaterThanOrEqual(15 * 16000 - 512);
  });

  it('hands-free, 60 s of noise never yields an utterance longer than the maximum', async () => {
    const { utterances } = await segment([{ noise: 60, level: 0.1 }], { maxUtteranceSeconds: 8 });
    for (const u of utterances) expect(u.pcm.length).toBeLessThanOrEqual(8 * 16000 + 512);
  });

  it('speech that never pauses is cut at the maximum length', async () => {
    const long = [a, b, a, b, a].map((c) => ({ wav: c.file }));
    const { utterances } = await segment(long, { maxUtteranceSeconds: 5 });
    expect(utterances[0]?.reason).toBe('max-length');
    expect(utterances[0]?.pcm.length).toBeLessThanOrEqual(5 * 16000 + 512);
  });

  it('push-to-talk keeps listening through a pause before speech and ends after it', async () => {
    const said = espeak('where did I meet Ana');
    const { utterances } = await segment([{ silence: 2 }], { ptt: true });
    expect(utterances).toEqual([]); // 2 s of silence after a press: still listening, nothing to hand over yet
    vad.reset();
    const seg = new UtteranceSegmenter(vad, OPTS);
    seg.begin();
    const stream = new Int16Array(16000 * 2 + said.length + 16000 * 2);
    stream.set(said, 16000 * 2);
    const events = await seg.push(stream);
    const done = events.filter((e) => e.type === 'utterance');
    expect(done).toHaveLength(1);
    expect(done[0]?.type === 'utterance' && done[0].utterance.reason).toBe('silence');
    expect(done[0]?.type === 'utterance' && done[0].utterance.startSample).toBe(0);
  });
});
