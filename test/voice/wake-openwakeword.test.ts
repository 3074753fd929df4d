import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { readWav16k } from '../../hardware/microphone/wav.js';
import { OpenWakeWord } from '../../models/wake/open-wake-word.js';
import { WakeTrigger } from '../../models/wake/wake-trigger.js';
import { testModelStore } from '../helpers/models.js';
import { cleanupSynth, espeak, flite, librivoxClips, padded } from './audio-synth.js';

let wake: OpenWakeWord;
beforeAll(async () => {
  wake = await OpenWakeWord.load(testModelStore(), 'hey_jarvis');
});
afterAll(async () => {
  await wake.dispose();
  cleanupSynth();
});

async function peak(pcm: Int16Array, chunk = 512): Promise<{ max: number; at: number }> {
  wake.reset();
  let max = 0;
  let at = 0;
  // Fed in microphone-sized chunks, as the runtime does.
  for (let i = 0; i < pcm.length; i += chunk) {
    for (const s of await wake.push(pcm.subarray(i, i + chunk))) {
      if (s.score > max) {
        max = s.score;
        at = s.sample / 16000;
      }
    }
  }
  return { max, at };
}

describe('openWakeWord hey_jarvis (real models, opt-in)', () => {
  it('is off by default in the config because the wake models are non-commercial', () => {
    expect(defaultConfig().voice.wakeWord.enabled).toBe(false);
  });

  it('fires on "hey jarvis" spoken by eSpeak NG and Flite, after the words are said', async () => {
    const threshold = defaultConfig().voice.wakeWord.threshold;
    for (const pcm of [espeak('hey jarvis'), await flite('hey jarvis', 'slt'), await flite('hey jarvis', 'rms')]) {
      const { max, at } = await peak(padded(pcm, 1, 1));
      expect(max).toBeGreaterThan(threshold);
      expect(at).toBeGreaterThan(1);
    }
  });

  it('stays quiet on other speech: real LibriVox readers and commands without the wake phrase', async () => {
    const others = [
      ...librivoxClips().map((c) => readWav16k(c.file).pcm),
      espeak('where did I meet Ana'),
      await flite('this is Tom, he runs the bakery'),
    ];
    for (const pcm of others) expect((await peak(padded(pcm, 1, 1))).max).toBeLessThan(0.1);
  });

  it('gives the same scores whatever the chunk size', async () => {
    const pcm = padded(espeak('hey jarvis'), 1, 1);
    const a = await peak(pcm, 512);
    const b = await peak(pcm, 1280 * 3 + 17);
    expect(b.max).toBeCloseTo(a.max, 4);
  });

  it('as a trigger: one "hey jarvis" fires once, however many steps score above threshold', async () => {
    wake.reset();
    const trigger = new WakeTrigger(wake, 0.5);
    const pcm = padded(espeak('hey jarvis'), 1, 1);
    const stream = new Int16Array(pcm.length * 2);
    stream.set(pcm);
    stream.set(pcm, pcm.length);
    const fired: number[] = [];
    for (let i = 0; i < stream.length; i += 512) {
      const s = await trigger.push(stream.subarray(i, i + 512));
      if (s !== null) fired.push(s);
    }
    expect(fired).toHaveLength(2);
  });

  it('an unknown wake model names the ones there are', async () => {
    const err = await OpenWakeWord.load(testModelStore(), 'hey_siri').catch((e) => e);
    expect(isMnemoError(err, 'invalid-argument')).toBe(true);
    expect(err.fix).toMatch(/hey_jarvis/);
  });
});
