import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMnemoError } from '../../config/errors.js';
import { EspeakNgTts } from '../../models/tts/espeak-ng.js';
import { escapeFestivalString } from '../../models/tts/festival-escape.js';
import { FliteTts } from '../../models/tts/flite.js';
import { SayTts } from '../../models/tts/say.js';
import { type Rig, startRig, testConfig } from './helpers.js';

function rms(x: Int16Array): number {
  let e = 0;
  for (const v of x) e += v * v;
  return Math.sqrt(e / Math.max(1, x.length));
}

let work: string;
let say: SayTts;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mnemo-tts-'));
  say = new SayTts();
  await say.load();
});

afterAll(async () => {
  await say.dispose();
  rmSync(work, { recursive: true, force: true });
});

describe('say (festival) with hostile text', () => {
  const hostile = (marker: string) => [
    `Hello") (system "touch ${marker}") (SayText "again`,
    `back\\slash at the end \\`,
    `"quoted" and (parenthesised)) and \\" escaped quote`,
    `line one\n(system "touch ${marker}")\nline two`,
    `café naïve — “smart quotes” 你好`,
  ];

  it('the raw `say` command really is injectable (so the next test can fail)', () => {
    const marker = join(work, 'raw-pwned');
    // What the `say` package itself pipes to festival for this text, unescaped.
    const Linux = createRequire(import.meta.url)('say/platform/linux.js');
    const { command, args, pipedData } = new Linux().buildSpeakCommand({ text: hostile(marker)[0], voice: 'voice_kal_diphone' });
    // Audio to /dev/null instead of a sound card; the pasted text is what matters.
    const quiet = "(Parameter.set 'Audio_Method 'Audio_Command) (Parameter.set 'Audio_Command \"true\") ";
    spawnSync(command, args, { input: quiet + pipedData, timeout: 20_000 });
    expect(existsSync(marker)).toBe(true);
  });

  it('speaks every hostile text literally: audio comes out, nothing is executed, festival stays up', async () => {
    const marker = join(work, 'pwned');
    for (const text of hostile(marker)) {
      const pcm = await say.synthesize(text);
      expect(pcm.length).toBeGreaterThan(16_000 * 0.3);
      expect(rms(pcm)).toBeGreaterThan(100);
    }
    expect(existsSync(marker)).toBe(false);
    expect((await say.synthesize('Still talking.')).length).toBeGreaterThan(0);
  });

  it('escapes only what SIOD strings need, and folds what festival cannot read', () => {
    expect(escapeFestivalString('a "b" \\ c')).toBe('a \\"b\\" \\\\ c');
    expect(escapeFestivalString('x\ny\tz\u0007')).toBe('x y z ');
    expect(escapeFestivalString('café')).toBe('cafe');
    expect(escapeFestivalString('你好')).toBe('  ');
    expect(say.command('say "hi"').pipedData).toBe('(voice_kal_diphone) (SayText "say \\"hi\\"")');
  });

  it('refuses a voice name that would be pasted as Scheme', async () => {
    const evil = new SayTts('kal_diphone) (system "touch x")');
    const err = await evil.load().catch((e: unknown) => e);
    expect(isMnemoError(err, 'tts-failed')).toBe(true);
    await evil.dispose();
  });
});

describe('eSpeak NG', () => {
  it('speaks Mandarin with the cmn voice, at 16 kHz', async () => {
    const tts = new EspeakNgTts('cmn');
    await tts.load();
    const pcm = await tts.synthesize('你好，我叫安娜。');
    expect(pcm.length / 16_000).toBeGreaterThan(0.8);
    expect(pcm.length / 16_000).toBeLessThan(6);
    expect(rms(pcm)).toBeGreaterThan(200);
    // eSpeak's own phonemes: Mandarin syllables with tones, not "Chinese letter" as the English voice says.
    const cmn = spawnSync('espeak-ng', ['-v', 'cmn', '-q', '-x', '你好'], { encoding: 'utf8' }).stdout;
    const en = spawnSync('espeak-ng', ['-v', 'en-us', '-q', '-x', '你好'], { encoding: 'utf8' }).stdout;
    expect(cmn).not.toMatch(/tS'aIni:z/);
    expect(en).toMatch(/tS'aIni:z/);
    await tts.dispose();
  });

  it('a missing voice is a tts-failed error with a fix', async () => {
    const err = await new EspeakNgTts('xx-none').load().catch((e: unknown) => e);
    expect(isMnemoError(err, 'tts-failed')).toBe(true);
    expect((err as { fix?: string }).fix).toMatch(/espeak-ng/);
  });

  it('a Mandarin whisper reaches the glasses sentence by sentence with its text intact', async () => {
    let rig: Rig | undefined;
    try {
      rig = await startRig({ config: testConfig({ speech: { engine: 'espeak-ng', voice: 'cmn' } }) });
      const text = '你好，我叫安娜。我住在北京！';
      const starts: number[] = [];
      rig.bus.on('test', 'speech-start', () => void starts.push(1));
      const r = await rig.speech.queue.say({ text, priority: 'answer' });
      expect(r.outcome).toBe('played');
      const s = await rig.glasses.nextStream((x) => x.streamId === r.streamId);
      expect(s.text).toBe(text);
      expect(s.durationMs).toBeGreaterThan(1000);
      expect(starts).toEqual([1]);
    } finally {
      await rig?.stop();
    }
  });
});

describe('Flite (WASI)', () => {
  it('resamples the 8 kHz kal voice to 16 kHz; kal16 is native', async () => {
    const kal = new FliteTts('kal');
    const kal16 = new FliteTts('kal16');
    const a = await kal.synthesize('Hello there.');
    const b = await kal16.synthesize('Hello there.');
    // Two recordings of the same diphone voice: same length within 10%.
    expect(a.length / b.length).toBeGreaterThan(0.9);
    expect(a.length / b.length).toBeLessThan(1.1);
    expect(rms(a)).toBeGreaterThan(200);
    await Promise.all([kal.dispose(), kal16.dispose()]);
  });

  it('a text starting with a dash is spoken, not read as an option', async () => {
    const tts = new FliteTts();
    const pcm = await tts.synthesize('-voice slt is not an option');
    expect(pcm.length / 16_000).toBeGreaterThan(1);
    await tts.dispose();
  });

  it('an unknown voice is a tts-failed error', async () => {
    const err = await new FliteTts('nobody').load().catch((e: unknown) => e);
    expect(isMnemoError(err, 'tts-failed')).toBe(true);
  });
});
