import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { configureLogging } from '../../config/log.js';
import { type Config, defaultConfig } from '../../config/schema.js';
import { readWav16k } from '../../hardware/microphone/wav.js';
import { addLocalModel } from '../../models/llm/local-folder.js';
import { findModel, isPinned } from '../../models/manifest.js';
import { ModelPuller } from '../../models/puller.js';
import { ModelStore } from '../../models/store.js';
import { WHISPER_FILES } from '../../models/stt/catalog.js';
import { createSpeechToText } from '../../models/stt/factory.js';
import { WhisperStt } from '../../models/stt/whisper-stt.js';
import { librivoxClips } from './audio-synth.js';
import { writeRandomWhisper } from './stt-random-whisper.js';

/*
 * Whisper cannot be downloaded on this machine: these tests cover its manifest
 * entries, the refusal to install unverifiable hub files, the `model-missing`
 * error naming the pull command, the engine choice of `voice.stt`, and the
 * loading code up to transformers.js on a registered (broken) local folder.
 */

let dir: string;
let store: ModelStore;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-whisper-'));
  store = new ModelStore(join(dir, 'models'));
});
afterAll(() => {
  configureLogging(defaultConfig().log);
  rmSync(dir, { recursive: true, force: true });
});

function config(voice: Partial<Config['voice']>): Config {
  const c = defaultConfig();
  return { ...c, models: { ...c.models, dir: store.dir }, voice: { ...c.voice, ...voice } };
}

describe('Whisper manifest entries', () => {
  it('name the real hub folders and the files transformers.js loads, unpinned', () => {
    for (const [id, repo] of [
      ['whisper-tiny-en', 'onnx-community/whisper-tiny.en'],
      ['whisper-tiny', 'onnx-community/whisper-tiny'],
      ['whisper-base', 'onnx-community/whisper-base'],
    ]) {
      const e = findModel(id as string);
      expect(e?.source).toEqual({ kind: 'https', baseUrl: `https://huggingface.co/${repo}/resolve/main` });
      expect(e?.files.map((f) => f.path)).toEqual(WHISPER_FILES);
      expect(e && isPinned(e)).toBe(false);
    }
  });

  it('pull refuses to install them unverified, and nothing is fetched or written', async () => {
    let fetched = 0;
    const fetchSpy = (async () => {
      fetched++;
      return new Response('not a model');
    }) as typeof fetch;
    const err = await new ModelPuller(store, { fetch: fetchSpy }).pull(['whisper-tiny-en']).catch((e) => e);
    expect(isMnemoError(err, 'model-unpinned')).toBe(true);
    expect(err.fix).toMatch(/--trust-unpinned/);
    expect(fetched).toBe(0);
    expect((await store.status(store.entry('whisper-tiny-en'))).status).toBe('missing');
  });
});

describe('engine selection (voice.stt)', () => {
  it('whisper without its model: model-missing naming `mnemo models pull whisper-tiny-en`', async () => {
    const err = await createSpeechToText(config({ stt: 'whisper' }), store).catch((e) => e);
    expect(isMnemoError(err, 'model-missing')).toBe(true);
    expect(err.message).toMatch(/whisper-tiny-en is not on this device/);
    expect(err.fix).toContain('mnemo models pull whisper-tiny-en');
  });

  it('auto without Whisper falls back to PocketSphinx and logs the engine and why, nothing private', async () => {
    const lines: string[] = [];
    configureLogging(
      { level: 'info', levels: {}, format: 'json' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const stt = await createSpeechToText(config({ stt: 'auto' }), store);
    expect(stt.engine).toBe('pocketsphinx');
    expect(stt.reason).toMatch(/auto.*whisper-tiny-en is not pulled/);
    const chosen = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'speech to text engine chosen');
    expect(chosen).toMatchObject({ level: 30, engine: 'pocketsphinx' });
    expect(chosen.reason).toMatch(/whisper-tiny-en/);
  });

  it('auto for a language PocketSphinx lacks (Mandarin) asks for Whisper instead of mishearing', async () => {
    const err = await createSpeechToText(config({ stt: 'auto', language: 'zh', whisperModel: 'whisper-tiny' }), store).catch((e) => e);
    expect(isMnemoError(err, 'model-missing')).toBe(true);
    expect(err.fix).toContain('mnemo models pull whisper-tiny');
  });

  it('pocketsphinx is chosen when asked for, whatever Whisper has', async () => {
    const stt = await createSpeechToText(config({ stt: 'pocketsphinx' }), store);
    expect(stt.engine).toBe('pocketsphinx');
    expect(stt.reason).toBe('voice.stt is pocketsphinx');
  });
});

describe('Whisper loading', () => {
  it('a verified local folder is chosen by auto and loaded offline through transformers.js; a broken one is stt-failed', async () => {
    const folder = join(dir, 'whisper-broken');
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    for (const f of WHISPER_FILES) writeFileSync(join(folder, f), f.endsWith('.json') ? '{"model_type": "whisper"}' : 'not onnx');
    const { entry } = await addLocalModel(store, folder, { id: 'whisper-broken', task: 'speech-to-text' });
    const stt = await createSpeechToText(config({ stt: 'auto', whisperModel: entry.id }), store);
    expect(stt.engine).toBe('whisper');
    const err = await stt.load().catch((e) => e);
    expect(isMnemoError(err, 'stt-failed')).toBe(true);
    expect(err.message).toMatch(/Whisper whisper-broken did not load/);
  });

  it("a random-weight model with Whisper's interface runs the whole offline pipeline on a real clip", async () => {
    const folder = join(dir, 'whisper-random');
    writeRandomWhisper(folder);
    const { entry } = await addLocalModel(store, folder, { id: 'whisper-random', task: 'speech-to-text' });
    const stt = await createSpeechToText(config({ stt: 'whisper', whisperModel: entry.id }), store);
    await stt.load();
    const t = await stt.transcribe(readWav16k(librivoxClips()[1]?.file as string).pcm);
    expect(t).toMatchObject({ engine: 'whisper', mode: 'whisper' });
    // Noise weights give noise text, but decoded: no special tokens, at most max_length tokens.
    expect(typeof t.text).toBe('string');
    expect(t.text).not.toMatch(/<\|/);
    expect(t.text.length).toBeLessThan(100);
    await stt.dispose();
  });

  it('transcribing before load is a clear error, not a crash', async () => {
    const w = new WhisperStt({ modelId: 'whisper-tiny-en', store, language: 'en' });
    await expect(w.transcribe(new Int16Array(160))).rejects.toThrow(/before load/);
    const err = await w.load().catch((e) => e);
    expect(isMnemoError(err, 'model-missing')).toBe(true);
    expect(err.fix).toContain('mnemo models pull whisper-tiny-en');
  });
});
