import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { defaultConfig } from '../../config/schema.js';
import { ask } from '../../device/commands/ask.js';
import { grammarFor, transcribeFile } from '../../device/commands/listen.js';
import { encodeWav } from '../../hardware/microphone/wav.js';
import { openMemoryFromConfig } from '../../memory/index.js';
import type { Memory } from '../../memory/types.js';
import { createSpeechToText } from '../../models/stt/factory.js';
import type { SpeechToText } from '../../models/stt/types.js';
import { SileroVad } from '../../models/vad/silero-vad.js';
import { testModelStore } from '../helpers/models.js';
import { cleanupSynth, flite, padded } from './audio-synth.js';

/*
 * `mnemo listen` end to end on WAV files the test speaks with Flite: real VAD,
 * real PocketSphinx with the grammar built from a real memory file, then the
 * intent and grounded answer (device/intents, device/answers).
 */

let dir: string;
let memory: Memory;
let stt: SpeechToText;
let vad: SileroVad;
const voice = defaultConfig().voice;
const MARCH_3 = new Date('2026-03-03T18:00:00Z').getTime();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mnemo-listen-'));
  memory = openMemoryFromConfig({ ...defaultConfig().memory, path: join(dir, 'memory.db') });
  const ana = memory.people.create('Ana Lima');
  memory.encounters.start(ana.id, { source: 'face', place: 'the robotics meetup', at: MARCH_3 });
  stt = await createSpeechToText({ ...defaultConfig(), voice: { ...voice, stt: 'pocketsphinx' } }, testModelStore());
  await stt.load();
  vad = await SileroVad.load(testModelStore());
});
afterAll(async () => {
  await stt.dispose();
  await vad.dispose();
  memory.close();
  rmSync(dir, { recursive: true, force: true });
  cleanupSynth();
});

async function wav(text: string, voiceName: string): Promise<string> {
  const file = join(dir, `${text.replace(/\W+/g, '-')}-${voiceName}.wav`);
  writeFileSync(file, encodeWav(padded(await flite(text, voiceName), 1, 1.5)));
  return file;
}

describe('mnemo listen', () => {
  it('"where did I meet Ana" answers with the encounter from memory and its id', async () => {
    const heard = await transcribeFile(await wav('where did I meet Ana', 'slt'), { stt, vad, voice, grammar: grammarFor(memory) });
    expect(heard.utterances).toBe(1);
    expect(heard.transcript).toBe('where did i meet ana');
    const r = await ask(heard.transcript, { memory });
    expect(r.intent).toBe('where-met');
    expect(r.answer).toMatch(/robotics meetup/);
    expect(r.memoryIds.length).toBeGreaterThan(0);
  });

  it('"this is Tom, he runs the bakery" is an introduction of Tom with the note', async () => {
    const heard = await transcribeFile(await wav('this is Tom, he runs the bakery', 'rms'), {
      stt,
      vad,
      voice,
      grammar: grammarFor(memory),
    });
    expect(heard.transcript).toBe('this is tom he runs the bakery');
    const r = await ask(heard.transcript, { memory });
    expect(r.slots.name?.toLowerCase()).toBe('tom');
    expect(r.slots.note).toMatch(/runs the bakery/);
  });

  it('a silent file hears nothing; a truncated one is audio-invalid naming it', async () => {
    const silent = join(dir, 'silent.wav');
    writeFileSync(silent, encodeWav(new Int16Array(16000 * 3)));
    const heard = await transcribeFile(silent, { stt, vad, voice });
    expect(heard).toMatchObject({ transcript: '', confidence: 0, utterances: 0 });
    const cut = join(dir, 'cut.wav');
    writeFileSync(cut, encodeWav(new Int16Array(16000)).subarray(0, 1000));
    const err = await transcribeFile(cut, { stt, vad, voice }).catch((e) => e);
    expect(isMnemoError(err, 'audio-invalid')).toBe(true);
    expect(err.message).toContain(cut);
  });
});
